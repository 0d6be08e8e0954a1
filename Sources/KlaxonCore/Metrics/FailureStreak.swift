/// Failed attempts since a company's last connected call, in `dt` order and
/// across runs, even when files arrive out of order.
public struct FailureStreak: Sendable, Codable, Equatable {
    /// Time of the latest connected call seen, if any.
    public var lastConnected: Int64?
    /// Failure times after `lastConnected`, run-length encoded as [time, count] pairs, sorted.
    public var failures: [[Int64]] = []

    /// Caps memory for a company that fails for days without a connect: beyond
    /// this many distinct seconds the oldest are merged, which can only matter
    /// if a connect later arrives between them out of order.
    static let maxEntries = 4_096

    public init() {}

    public var count: Int { failures.reduce(0) { $0 + Int($1[1]) } }

    public mutating func record(time: Int64, connected: Bool) {
        if connected {
            guard time > (lastConnected ?? .min) else { return }
            lastConnected = time
            failures.removeAll { $0[0] <= time }
            return
        }
        recordFailures(1, at: time)
    }

    /// `count` failed attempts at `time` (a bucket row's failures, which share one time).
    public mutating func recordFailures(_ count: Int64, at time: Int64) {
        guard count > 0, time > (lastConnected ?? .min) else { return }
        if let last = failures.last, last[0] == time {
            failures[failures.count - 1][1] += count
        } else if let last = failures.last, last[0] < time {
            failures.append([time, count])
        } else {
            var lo = 0, hi = failures.count
            while lo < hi { let mid = (lo + hi) / 2; if failures[mid][0] < time { lo = mid + 1 } else { hi = mid } }
            if lo < failures.count, failures[lo][0] == time { failures[lo][1] += count } else { failures.insert([time, count], at: lo) }
        }
        if failures.count > Self.maxEntries {
            failures[1][1] += failures[0][1]
            failures.removeFirst()
        }
    }
}

/// One file's calls for one company, reduced to what a `FailureStreak` needs:
/// its latest connected call and the failures after it. Applying it gives the
/// streak that recording every call in turn would (the failures before a
/// connect are dropped either way); only past `FailureStreak.maxEntries`
/// distinct seconds can the merging of the oldest entries differ.
struct FileFailures: Sendable {
    var lastConnected: Int64 = .min
    /// Failure times after `lastConnected`, sorted, one entry per call.
    var failures: [Int64] = []

    mutating func record(time: Int64, connected: Bool) {
        guard time > lastConnected else { return }
        if connected {
            lastConnected = time
            if let last = failures.last, last <= time {
                failures.removeAll(keepingCapacity: true)
            } else if !failures.isEmpty {
                failures.removeAll { $0 <= time }
            }
        } else if let last = failures.last, last > time {
            var lo = 0, hi = failures.count
            while lo < hi { let mid = (lo + hi) / 2; if failures[mid] <= time { lo = mid + 1 } else { hi = mid } }
            failures.insert(time, at: lo)
        } else {
            failures.append(time)
        }
    }
}

extension FailureStreak {
    /// Records a file's calls, reduced by `FileFailures`.
    mutating func apply(_ file: FileFailures) {
        if file.lastConnected != .min { record(time: file.lastConnected, connected: true) }
        for time in file.failures { record(time: time, connected: false) }
    }
}
