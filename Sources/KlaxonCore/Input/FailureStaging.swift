/// Per company, what one byte range's calls add to the failure streaks: the
/// same as a `FileFailures` per company, laid out for the row loop.
///
/// Each company has a 64-byte slot (one cache line) in one dense array
/// holding its latest connected call and up to `inlineCapacity` failure times
/// after it. With a `FileFailures` (and its array) per company, every row
/// touched a random heap block: 10% of a first run's CPU. Between two
/// connected calls a company rarely fails more than six times; one that does
/// spills to a `FileFailures` of its own, and comes back once a connected call
/// leaves few enough failures after it. (Two times in a 32-byte slot made
/// busy carriers go back and forth, which cost more than the smaller slots saved.)
///
/// Not a value: copies share the memory, which the last copy frees.
struct FailureStaging: @unchecked Sendable {
    static let inlineCapacity = 6

    private struct Slot {
        var lastConnected: Int64 = .min
        /// Failure times held in `times`; -1 while spilled.
        var count: Int32 = 0
        /// The company's entry in `spills`, once it has spilled (kept for the next time).
        var spill: Int32 = -1
        var times: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
    }

    private static let timesOffset = MemoryLayout<Slot>.offset(of: \Slot.times)!

    private final class Owner {
        var slots: UnsafeMutablePointer<Slot>?
        deinit { slots?.deallocate() }
    }

    private let owner = Owner()
    private var slots: UnsafeMutablePointer<Slot>
    private var capacity = 0
    private(set) var companies = 0
    private var spills: [FileFailures] = []

    init() {
        slots = .allocate(capacity: 0)
        owner.slots = slots
    }

    /// Makes room for companies `0..<count`.
    mutating func reserve(companies count: Int) {
        guard count > companies else { return }
        if count > capacity {
            let bigger = max(count, 2 * capacity, 1024)
            let moved = UnsafeMutablePointer<Slot>.allocate(capacity: bigger)
            moved.moveInitialize(from: slots, count: companies)
            slots.deallocate()
            slots = moved
            owner.slots = moved
            capacity = bigger
        }
        (slots + companies).initialize(repeating: Slot(), count: count - companies)
        companies = count
    }

    /// As `FileFailures.record`, for company `i`.
    @inline(__always)
    mutating func record(company i: Int, time: Int64, connected: Bool) {
        let slot = slots + i
        // Equal times: the later call in file order is the later call.
        guard time >= slot.pointee.lastConnected else { return }
        if slot.pointee.count < 0 {
            let k = Int(slot.pointee.spill)
            spills[k].record(time: time, connected: connected)
            slot.pointee.lastConnected = spills[k].lastConnected
            if connected && spills[k].failures.count <= 2 * Self.inlineCapacity {
                spills[k] = spills[k].finished()
                if spills[k].failures.count <= Self.inlineCapacity { unspill(slot) }
            }
            return
        }
        withTimes(slot) { times in
            var n = Int(slot.pointee.count)
            if connected {
                slot.pointee.lastConnected = time
                // Keep the failures after `time` (only an export out of time order has any).
                var kept = 0
                for k in 0..<n where times[k] > time {
                    times[kept] = times[k]
                    kept += 1
                }
                slot.pointee.count = Int32(kept)
                return
            }
            if n == Self.inlineCapacity {
                spill(slot, times: times)
                spills[Int(slot.pointee.spill)].record(time: time, connected: false)
                return
            }
            // Sorted insert; an append for calls in time order.
            while n > 0 && times[n - 1] > time {
                times[n] = times[n - 1]
                n -= 1
            }
            times[n] = time
            slot.pointee.count += 1
        }
    }

    private mutating func spill(_ slot: UnsafeMutablePointer<Slot>, times: UnsafeMutableBufferPointer<Int64>) {
        if slot.pointee.spill < 0 {
            slot.pointee.spill = Int32(spills.count)
            spills.append(FileFailures())
        }
        let k = Int(slot.pointee.spill)
        spills[k] = FileFailures(lastConnected: slot.pointee.lastConnected, sortedFailures: times[0..<Int(slot.pointee.count)])
        slot.pointee.count = -1
    }

    private mutating func unspill(_ slot: UnsafeMutablePointer<Slot>) {
        let k = Int(slot.pointee.spill)
        let failures = spills[k].failures
        withTimes(slot) { times in
            for (n, time) in failures.enumerated() { times[n] = time }
        }
        slot.pointee.count = Int32(failures.count)
        spills[k] = FileFailures()
    }

    @inline(__always)
    private func withTimes<R>(_ slot: UnsafeMutablePointer<Slot>, _ body: (UnsafeMutableBufferPointer<Int64>) -> R) -> R {
        let raw = UnsafeMutableRawPointer(slot) + Self.timesOffset
        return body(UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: Int64.self), count: Self.inlineCapacity))
    }

    /// Company `i`'s calls reduced, to apply to its streak (`FileFailures.finished()`).
    func failures(of i: Int) -> FileFailures {
        guard i < companies else { return FileFailures() }
        let slot = slots + i
        if slot.pointee.count < 0 { return spills[Int(slot.pointee.spill)].finished() }
        var result = FileFailures()
        result.lastConnected = slot.pointee.lastConnected
        result.failures = withTimes(slot) { Array($0[0..<Int(slot.pointee.count)]) }
        return result
    }
}
