#if os(Linux)
    import Glibc
    import MedSaveSupport
    import Testing

    /// `FreshPages`, a growing list's pages made ahead of its end: on memory mapped for the test (no page made
    /// until written), which pages `mincore` finds made after each call. Made: the step ahead of the end, within
    /// the room, never past it; what the list holds is left as it was; a list that moved gets its own pages.
    @Suite("Fresh pages made ahead of a list's end")
    struct FreshPagesTests {
        static let page = 4096

        /// Memory of `bytes` with no page made, let go by the caller.
        static func mapped(_ bytes: Int) -> UnsafeMutableRawPointer {
            let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
            precondition(p != MAP_FAILED)
            return p
        }

        /// Which of the pages of `bytes` at `p` are made.
        static func made(_ p: UnsafeMutableRawPointer, _ bytes: Int) -> [Bool] {
            var vector = [UInt8](repeating: 0, count: (bytes + page - 1) / page)
            precondition(mincore(p, bytes, &vector) == 0)
            return vector.map { $0 & 1 != 0 }
        }

        /// Whether this kernel makes pages on request (`MADV_POPULATE_WRITE`, Linux 5.14 and later).
        static let kernelMakesPages: Bool = {
            let p = mapped(page)
            defer { munmap(p, page) }
            return madvise(p, page, 23) == 0
        }()

        @Test func pagesAheadOfTheEndAreMadeWithinTheRoomOnly() {
            let room = 3 * FreshPages.step + 1000, bytes = room + 4 * Self.page
            let p = Self.mapped(bytes)
            defer { munmap(p, bytes) }
            // The list holds 10,000 bytes: its first three pages are made by those writes.
            let used = 10_000
            for i in 0..<used { p.storeBytes(of: UInt8(truncatingIfNeeded: i), toByteOffset: i, as: UInt8.self) }
            var pages = FreshPages()
            pages.cover(p, used: used, room: room)
            let made = Self.made(p, bytes)
            let step = FreshPages.step / Self.page
            if Self.kernelMakesPages {
                #expect(made[0..<step].allSatisfy { $0 }, "the step ahead of the end")
                #expect(made[(step + 3)...].allSatisfy { !$0 }, "nothing beyond the step")
            } else {
                #expect(made[3...].allSatisfy { !$0 }, "nothing made where the kernel cannot")
            }
            #expect(
                (0..<used).allSatisfy { p.load(fromByteOffset: $0, as: UInt8.self) == UInt8(truncatingIfNeeded: $0) })

            // Grown to near the room's end: the pages up to it, and none of the page it ends in or after.
            for end in stride(from: used, through: room, by: Self.page) { pages.cover(p, used: end, room: room) }
            let after = Self.made(p, bytes)
            let lastWhole = room / Self.page
            if Self.kernelMakesPages { #expect(after[0..<lastWhole].allSatisfy { $0 }) }
            #expect(after[lastWhole...].allSatisfy { !$0 }, "never the room's last partial page, nor past it")
        }

        @Test func aListThatMovedGetsItsOwnPages() {
            let room = 2 * FreshPages.step, bytes = room
            let a = Self.mapped(bytes), b = Self.mapped(bytes)
            defer {
                munmap(a, bytes)
                munmap(b, bytes)
            }
            var pages = FreshPages()
            pages.cover(a, used: 0, room: room)
            pages.cover(b, used: 0, room: room)
            let step = FreshPages.step / Self.page
            if Self.kernelMakesPages {
                #expect(Self.made(b, bytes)[0..<step].allSatisfy { $0 })
            }
            #expect(Self.made(b, bytes)[(step + 1)...].allSatisfy { !$0 })
        }
    }
#endif
