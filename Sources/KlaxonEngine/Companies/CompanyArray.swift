/// One element per company of a byte range, in one dense block that grows as
/// the range meets new companies: the per-company state that the row loop of
/// `BucketRuns` and `FailureStaging` reads and writes on every call.
///
/// Raw memory rather than an `Array`, so that the row loop pays no
/// uniqueness check (copy on write) and, in release, no bounds check: it runs
/// twice per CDR row (customer and carrier). Bounds are checked with `assert`,
/// which debug builds and the test tiers keep and `-O` removes.
///
/// Not copyable, so it is the one owner of its memory: no copy can point at
/// the block that a grow or the deinit frees.
package struct CompanyArray<Element>: ~Copyable {
    /// The first growth's room: most jobs have fewer companies, so the row loop
    /// rarely waits for a copy.
    package static var minimumCapacity: Int { 1024 }

    /// Elements `0..<count` are initialized, `count..<capacity` are not.
    private var base: UnsafeMutablePointer<Element>
    package private(set) var count = 0
    package private(set) var capacity = 0

    package init() {
        // An allocation of no elements, so that `base` is never optional in the row loop.
        base = .allocate(capacity: 0)
        assert(verifyInvariants())
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Makes companies `0..<newCount` exist, the new ones set to `value`;
    /// doubles the room when it runs out, so growing one by one stays linear.
    package mutating func grow(to newCount: Int, with value: Element) {
        guard newCount > count else { return }
        if newCount > capacity {
            let bigger = max(newCount, 2 * capacity, Self.minimumCapacity)
            let moved = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
            moved.moveInitialize(from: base, count: count)
            base.deallocate()
            base = moved
            capacity = bigger
        }
        (base + count).initialize(repeating: value, count: newCount - count)
        count = newCount
        assert(verifyInvariants())
    }

    /// Company `i`'s element, in place (no copy of a 48- or 64-byte element per row).
    package subscript(i: Int) -> Element {
        @inline(__always)
        unsafeAddress {
            assert(i >= 0 && i < count, "company \(i) outside 0..<\(count)")
            return UnsafePointer(base + i)
        }
        @inline(__always)
        unsafeMutableAddress {
            assert(i >= 0 && i < count, "company \(i) outside 0..<\(count)")
            return base + i
        }
    }

    /// Company `i`'s element lent to `body`, for code that reads a field of
    /// it as memory of another type (`FailureStaging`'s failure times). The
    /// pointer is valid only inside `body`: a grow may move the block.
    @inline(__always)
    package mutating func withElement<R>(_ i: Int, _ body: (UnsafeMutablePointer<Element>) throws -> R) rethrows -> R {
        assert(i >= 0 && i < count, "company \(i) outside 0..<\(count)")
        return try body(base + i)
    }

    /// The counts agree: every company has an element, within the room, and
    /// the room is none or at least the first growth's. Called as
    /// `assert(verifyInvariants())`, so release builds skip it.
    package func verifyInvariants() -> Bool {
        count >= 0 && count <= capacity && (capacity == 0 || capacity >= Self.minimumCapacity)
    }
}
