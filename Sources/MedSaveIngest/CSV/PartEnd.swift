import Foundation

/// Where a part of a file being read on one thread ends, which another thread may move back to take the rest of
/// the part for itself (`DispensingReader.readInParts`: a thread done with its own part takes the back half of
/// the part with most left, so that no thread waits while another still reads).
///
/// The reader claims the file as it reads it (`claim`): no record starting before the claimed offset can be
/// taken away, and the end is only ever moved to a later offset (`cut`). So every record is read by exactly one
/// thread, and the parts, sorted by where they start, still meet end to end. Offsets are the file's.
final class PartEnd: @unchecked Sendable {
    /// Where the part starts.
    let start: Int
    private var end: Int
    /// Records starting before this offset are the reader's: those in the buffer it has read up to here.
    private var claimed: Int
    private var finished = false
    private let lock = NSLock()

    init(start: Int, end: Int) {
        self.start = start
        self.end = end
        claimed = start
    }

    /// Called by the part's reader before it reads the records of a buffer that holds the file up to `through`:
    /// from now on it reads every record starting before the offset returned (the part's end as it is now) and
    /// `through`, and none of those can be taken.
    func claim(through: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        claimed = max(claimed, min(through, end))
        return end
    }

    /// The part's end, and the bytes before it not claimed yet (0 once the part is read).
    var state: (end: Int, unclaimed: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (end, finished ? 0 : end - claimed)
    }

    /// Ends the part at `offset` (a record's start) if no record from there on is claimed; returns where the
    /// part ended before, or nil.
    func cut(at offset: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !finished, offset > claimed, offset < end else { return nil }
        let old = end
        end = offset
        return old
    }

    /// The part is read: nothing of it can be taken any more.
    func finish() {
        lock.lock()
        finished = true
        lock.unlock()
    }
}
