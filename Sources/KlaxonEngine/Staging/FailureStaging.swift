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
/// A class, the one owner of its slots' memory (see `BucketRuns` for why
/// `@unchecked Sendable` holds: built by one range's thread, then handed over whole).
package final class FailureStaging: @unchecked Sendable {
    package static let inlineCapacity = 6

    private struct Slot {
        package var lastConnected: Int64 = .min
        /// Failure times held in `times`; -1 while spilled.
        package var count: Int32 = 0
        /// The company's entry in `spills`, once it has spilled (kept for the next time).
        package var spill: Int32 = -1
        package var times: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
    }

    /// Where `times` starts in a slot.
    private static let timesOffset: Int = {
        // `times` is a stored field of a plain struct, so it has an offset.
        guard let offset = MemoryLayout<Slot>.offset(of: \Slot.times) else { fatalError("Slot.times has no offset") }
        return offset
    }()

    // Unchecked at run time for the reason given in `BucketRuns`: `record`
    // lends a slot to a closure that touches `spills`, never `slots` itself.
    @exclusivity(unchecked) private var slots = CompanyArray<Slot>()
    @exclusivity(unchecked) private var spills: [FileFailures] = []
    package var companies: Int { slots.count }

    package init() {}

    /// Makes room for companies `0..<count`.
    package func reserve(companies count: Int) {
        guard count > companies else { return }
        slots.grow(to: count, with: Slot())
        assert(verifyInvariants())
    }

    /// As `FileFailures.record`, for company `i`.
    @inline(__always)
    package func record(company i: Int, time: Int64, connected: Bool) {
        slots.withElement(i) { slot in record(slot, time: time, connected: connected) }
        assert(verifyInvariants(company: i))
    }

    @inline(__always)
    private func record(_ slot: UnsafeMutablePointer<Slot>, time: Int64, connected: Bool) {
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

    private func spill(_ slot: UnsafeMutablePointer<Slot>, times: UnsafeMutableBufferPointer<Int64>) {
        if slot.pointee.spill < 0 {
            slot.pointee.spill = Int32(spills.count)
            spills.append(FileFailures())
        }
        let k = Int(slot.pointee.spill)
        spills[k] = FileFailures(lastConnected: slot.pointee.lastConnected, sortedFailures: times[0..<Int(slot.pointee.count)])
        slot.pointee.count = -1
    }

    private func unspill(_ slot: UnsafeMutablePointer<Slot>) {
        let k = Int(slot.pointee.spill)
        let failures = spills[k].failures
        withTimes(slot) { times in
            for (n, time) in failures.enumerated() { times[n] = time }
        }
        slot.pointee.count = Int32(failures.count)
        spills[k] = FileFailures()
    }

    /// A slot's six failure times as a buffer: a tuple of one type is laid out
    /// as consecutive elements, and the slot's memory is bound to `Slot`,
    /// whose `times` field is bound to `Int64` already.
    @inline(__always)
    private func withTimes<R>(_ slot: UnsafeMutablePointer<Slot>, _ body: (UnsafeMutableBufferPointer<Int64>) -> R) -> R {
        let raw = UnsafeMutableRawPointer(slot) + Self.timesOffset
        return body(UnsafeMutableBufferPointer(start: raw.assumingMemoryBound(to: Int64.self), count: Self.inlineCapacity))
    }

    /// Company `i`'s calls reduced, to apply to its streak (`FileFailures.finished()`).
    package func failures(of i: Int) -> FileFailures {
        guard i < companies else { return FileFailures() }
        return slots.withElement(i) { slot in
            if slot.pointee.count < 0 { return spills[Int(slot.pointee.spill)].finished() }
            var result = FileFailures()
            result.lastConnected = slot.pointee.lastConnected
            result.failures = withTimes(slot) { Array($0[0..<Int(slot.pointee.count)]) }
            return result
        }
    }

    /// Every company's slot is consistent. O(companies): called after `reserve`, not per row.
    package func verifyInvariants() -> Bool {
        guard slots.verifyInvariants() else { return false }
        for i in 0..<companies where !verifyInvariants(company: i) { return false }
        return true
    }

    /// Company `i`'s slot: its count within the slot's room, or spilled to an
    /// existing spill entry; its inline times sorted and after its last
    /// connected call. O(1): checked after each `record`.
    package func verifyInvariants(company i: Int) -> Bool {
        guard i >= 0 && i < companies else { return false }
        return slots.withElement(i) { slot in
            let count = Int(slot.pointee.count), spill = Int(slot.pointee.spill)
            guard spill >= -1 && spill < spills.count else { return false }
            if count == -1 { return spill >= 0 }
            guard count >= 0 && count <= Self.inlineCapacity else { return false }
            return withTimes(slot) { times in
                (0..<count).allSatisfy { k in
                    times[k] >= slot.pointee.lastConnected && (k == 0 || times[k - 1] <= times[k])
                }
            }
        }
    }
}
