import KlaxonEngine
/// The value of an area over one instance's calls of a window (sorted, as
/// the call log keeps them): the per-call areas counted call by call, the
/// others summed into a minute bucket as the buckets would have.
enum CallLogMeasure {
    static func value(of area: Area, calls: ArraySlice<LoggedCall>, windowStart: Int32, company: Company, minCalls: Int) -> MetricValue {
        switch area {
        case .callsPerMinute: return .value(Double(callsPerMinute(calls)))
        case .concurrentCalls: return .value(Double(concurrentCalls(calls)))
        case .sequentialCalls: return .value(Double(sequentialCalls(calls)))
        case .maxDuration: return .value(Double(calls.map(\.duration).max() ?? 0))
        default:
            return MetricCalculator.value(of: area, window: bucket(calls, minute: windowStart), company: company,
                                          failures: nil, minCalls: minCalls)
        }
    }

    static func bucket(_ calls: ArraySlice<LoggedCall>, minute: Int32) -> MinuteBucket {
        var b = MinuteBucket(minute: minute)
        for call in calls { b.add(call.record) }
        return b
    }

    /// The most calls started in one minute.
    static func callsPerMinute(_ calls: ArraySlice<LoggedCall>) -> Int {
        var best = 0, run = 0
        var minute = Int64.min
        for call in calls {
            let m = floorDiv(call.time, 60)
            if m == minute { run += 1 } else { minute = m; run = 1 }
            best = max(best, run)
        }
        return best
    }

    /// The most calls in progress at once, each over [start, start + duration):
    /// a call ending at the second another starts does not overlap it, and an
    /// attempt of no duration is never in progress.
    static func concurrentCalls(_ calls: ArraySlice<LoggedCall>) -> Int {
        var ends: [Int64] = []
        var best = 0
        // A min-heap of end times would be O(n log n) too; the sorted insert is
        // simpler and the in-progress list stays as short as the concurrency.
        for call in calls where call.duration > 0 {
            ends.removeAll { $0 <= call.time }
            let end = call.time + call.duration
            let at = ends.firstIndex { $0 > end } ?? ends.count
            ends.insert(end, at: at)
            best = max(best, ends.count)
        }
        return best
    }

    /// The longest run of consecutive calls (in start order) to one number.
    static func sequentialCalls(_ calls: ArraySlice<LoggedCall>) -> Int {
        var best = 0, run = 0
        var number: UInt64?
        for call in calls {
            if call.number == number { run += 1 } else { number = call.number; run = 1 }
            best = max(best, run)
        }
        return best
    }

    /// The calls of `list` (sorted) started in minutes [from, to).
    static func window(_ list: [LoggedCall], from: Int32, to: Int32) -> ArraySlice<LoggedCall> {
        let lo = firstIndex(list, atOrAfter: Int64(from) * 60)
        let hi = firstIndex(list, atOrAfter: Int64(to) * 60)
        return list[lo..<max(lo, hi)]
    }

    private static func firstIndex(_ list: [LoggedCall], atOrAfter time: Int64) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].time < time { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
