import Foundation

/// Makes the pages of a growing list's room a few megabytes ahead of its end in one call each
/// (`MADV_POPULATE_WRITE`, Linux 5.14 and later), instead of one page fault for each 4 KiB page as elements reach
/// them. A national file's cells and rows are lists of hundreds of megabytes written from start to end into room
/// reserved for them: page by page, each first write traps into the kernel in the middle of the loop that fills
/// the list. Made in one call, 300 MB of pages took about a third less time on the VM measured (README
/// "Performance", with what it did to a run). Only room the list has is touched, and never more than `step` bytes
/// past its end, so a list reserved for more than it gets costs at most that much memory. Elsewhere, or where the
/// kernel refuses, nothing happens and the pages come as before.
public struct FreshPages: Sendable {
    /// How far ahead of a list's end its pages are made, in bytes.
    public static let step = 4 << 20
    private static let page = 4096

    /// The list's first element when pages were last made, and the page boundary up to which they were.
    private var base = 0
    private var madeTo = 0

    public init() {}

    /// Called as a list grows: `base` is the address of its first element, `used` and `room` its count and
    /// capacity in bytes. Cheap when the end is still well inside what was made.
    @inline(__always)
    public mutating func cover(_ base: UnsafeRawPointer, used: Int, room: Int) {
        let address = Int(bitPattern: base), end = address &+ used
        if end &+ Self.step / 2 <= madeTo && address == self.base { return }
        if address != self.base { (self.base, madeTo) = (address, 0) }  // the list moved
        make(from: end, to: address &+ room)
    }

    /// Makes the whole pages of the bytes `range` after `base` (room a list is about to fill from start to end in
    /// one go) at once, split between `threads` threads: the kernel clears each thread's pages on its own core.
    public static func make(_ base: UnsafeRawPointer, bytes range: Range<Int>, threads: Int) {
        #if os(Linux)
            let address = Int(bitPattern: base)
            let start = (address + range.lowerBound + page - 1) / page * page
            let stop = (address + range.upperBound) / page * page
            guard stop > start else { return }
            let pages = (stop - start) / page, parts = max(1, min(threads, pages))
            DispatchQueue.concurrentPerform(iterations: parts) { k in
                let from = start + pages * k / parts * page, to = start + pages * (k + 1) / parts * page
                _ = madvise(UnsafeMutableRawPointer(bitPattern: from), to - from, 23)  // MADV_POPULATE_WRITE
            }
        #endif
    }

    private mutating func make(from end: Int, to roomEnd: Int) {
        // Whole pages only: the page the list's end is in is already made (or partly shared with the allocator's).
        let start = (max(end, madeTo) + Self.page - 1) / Self.page * Self.page
        let stop = min(end + Self.step, roomEnd) / Self.page * Self.page
        guard stop > start else { return }
        madeTo = stop
        #if os(Linux)
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), stop - start, 23)  // MADV_POPULATE_WRITE
        #endif
    }
}
