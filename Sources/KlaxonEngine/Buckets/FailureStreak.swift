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
    package static let maxEntries = 4_096

    public init() {}

    public var count: Int { failures.reduce(0) { $0 + Int($1[1]) } }

    /// Within one second, file order decides: a failure after a connected call of the
    /// same second (in the same file, or in a later one) counts, one before it does not.
    public mutating func record(time: Int64, connected: Bool) {
        if connected {
            guard time >= (lastConnected ?? .min) else { return }
            lastConnected = time
            failures.removeAll { $0[0] <= time }
            return
        }
        recordFailures(1, at: time)
    }

    /// `count` failed attempts at `time` (a bucket row's failures, which share one time).
    public mutating func recordFailures(_ count: Int64, at time: Int64) {
        guard count > 0, time >= (lastConnected ?? .min) else { return }
        if let last = failures.last, last[0] == time {
            failures[failures.count - 1][1] += count
        } else if let last = failures.last, last[0] < time {
            failures.append([time, count])
        } else {
            var lo = 0, hi = failures.count
            while lo < hi { let mid = (lo + hi) / 2; if failures[mid][0] < time { lo = mid + 1 } else { hi = mid } }
            if lo < failures.count, failures[lo][0] == time { failures[lo][1] += count } else { failures.insert([time, count], at: lo) }
        }
        capEntries()
    }

    /// Merges the oldest entries into one while there are more than `maxEntries`.
    private mutating func capEntries() {
        let excess = failures.count - Self.maxEntries
        guard excess > 0 else { return }
        var merged: Int64 = 0
        for entry in failures[0...excess] { merged += entry[1] }
        failures[excess][1] = merged
        failures.removeFirst(excess)
    }
}

/// One file's calls for one company, reduced to what a `FailureStreak` needs:
/// its latest connected call and the failures after it. Applying it gives the
/// streak that recording every call in turn would (the failures before a
/// connect are dropped either way); only past `FailureStreak.maxEntries`
/// distinct seconds can the merging of the oldest entries differ.
///
/// Failures are appended in file order and connected calls that do not end
/// every failure so far are kept as cuts, applied in one pass when the list
/// has doubled: a sorted insert per failure made an export not sorted by
/// time (a down carrier's million failures) take quadratic time.
package struct FileFailures: Sendable {
    package var lastConnected: Int64 = .min
    /// Failure times after `lastConnected`: in file order (and possibly ended by `cuts`)
    /// while recording, sorted and final once `finished()`.
    package var failures: [Int64] = []
    /// Connected calls not yet applied: each ends the failures before `end` (in file order) at or before `time`.
    private var cuts: [(end: Int, time: Int64)] = []
    private var latestFailure: Int64 = .min
    private var compactAt = 64

    package init() {}

    package init(lastConnected: Int64, sortedFailures: some Sequence<Int64>) {
        self.lastConnected = lastConnected
        failures = Array(sortedFailures)
        latestFailure = failures.last ?? .min
    }

    /// A call in file order. Within one second, file order decides (as in `FailureStreak`).
    package mutating func record(time: Int64, connected: Bool) {
        guard time >= lastConnected else { return }
        if connected {
            lastConnected = time
            if failures.isEmpty { return }
            if latestFailure <= time {
                failures.removeAll(keepingCapacity: true)
                cuts.removeAll(keepingCapacity: true)
                latestFailure = .min
                return
            }
            cuts.append((failures.count, time))
            if cuts.count >= compactAt { compact() }
        } else {
            failures.append(time)
            if time > latestFailure { latestFailure = time }
            if failures.count >= compactAt { compact() }
        }
    }

    /// Applies the cuts: a failure is ended by a connected call after it in file order, at or after its time.
    private mutating func compact() {
        if !cuts.isEmpty {
            var ending: Int64 = .min
            var c = cuts.count - 1
            var kept = failures.count
            // Backwards, so that each failure meets the latest cut after it; survivors are packed at the end.
            for i in stride(from: failures.count - 1, through: 0, by: -1) {
                while c >= 0 && cuts[c].end > i {
                    ending = max(ending, cuts[c].time)
                    c -= 1
                }
                if failures[i] > ending {
                    kept -= 1
                    failures[kept] = failures[i]
                }
            }
            failures.removeFirst(kept)
            cuts.removeAll(keepingCapacity: true)
            latestFailure = failures.max() ?? .min
        }
        compactAt = max(64, 2 * failures.count)
    }

    /// The failures that survive, sorted by time: what `FailureStreak.apply` takes.
    package func finished() -> FileFailures {
        var result = self
        result.compact()
        result.failures.sort()
        return result
    }
}

extension FailureStreak {
    /// Records a file's calls, reduced by `FileFailures` (`finished()`), as if recorded one by one
    /// after everything recorded so far: in one merge, not an insert per failure.
    package mutating func apply(_ file: FileFailures) {
        if file.lastConnected != .min { record(time: file.lastConnected, connected: true) }
        let floor = lastConnected ?? .min
        var incoming: [[Int64]] = []
        for time in file.failures where time >= floor {
            if let last = incoming.last, last[0] == time {
                incoming[incoming.count - 1][1] += 1
            } else {
                incoming.append([time, 1])
            }
        }
        guard let first = incoming.first else { return }
        if let last = failures.last, last[0] >= first[0] {
            var merged: [[Int64]] = []
            merged.reserveCapacity(failures.count + incoming.count)
            var i = 0, j = 0
            while i < failures.count || j < incoming.count {
                if j == incoming.count || (i < failures.count && failures[i][0] < incoming[j][0]) {
                    merged.append(failures[i]); i += 1
                } else if i == failures.count || incoming[j][0] < failures[i][0] {
                    merged.append(incoming[j]); j += 1
                } else {
                    merged.append([failures[i][0], failures[i][1] + incoming[j][1]]); i += 1; j += 1
                }
            }
            failures = merged
        } else {
            failures += incoming
        }
        capEntries()
    }
}
