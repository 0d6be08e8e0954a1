import Foundation

/// How much of a window the state's history holds. The state keeps complete
/// minutes from `StateMeta.coveredSince` on: before it, the job had not yet
/// read any call (a younger state), or pruned what it had read (to the longest
/// window of the job as it was then). A window reaching before it would be
/// summed over part of its calls, so it has no value (`MetricValue.uncoveredWindow`).
public struct WindowCoverage: Sendable, Equatable {
    public var period: WindowPeriod
    /// Seconds of the window, counted back from its end, that the state holds.
    public var coveredSeconds: Int64
    /// The first covered minute's start; nil when no call has been read yet.
    public var coveredFrom: Int64?
    /// The window's length this time: a calendar day's varies (23 to 25 hours, or today so far).
    public var lengthSeconds: Int64

    public var isComplete: Bool { coveredSeconds >= lengthSeconds }

    /// "complete", or "23h of 1d (history from 2026-11-27T01:00:00Z)", for reports.
    public var description: String { description(shown: .utc) }

    /// As `description`, with the history's start shown in the job's zone.
    public func description(shown: ShownTime) -> String {
        if isComplete { return "complete" }
        guard let coveredFrom else { return "none of \(period) (no call read yet)" }
        return "\(coveredSeconds >= 60 ? TimeSpan(seconds: coveredSeconds).description : "0m") of \(period) (history from \(shown.timestamp(coveredFrom)))"
    }
}

extension KlaxonState {
    /// The coverage of the rolling window of `period` ending before minute `windowEnd` (`Job.windowEndMinute`).
    public func coverage(of period: TimeSpan, windowEnd: Int64) -> WindowCoverage {
        coverage(of: .rolling(period), bounds: WindowPeriod.rolling(period).bounds(windowEnd: windowEnd, zone: .gmt))
    }

    /// The coverage of `period`'s window over the minutes `[from, to)` (`Job.bounds(of:now:)`):
    /// a `yesterday` is complete only when the history reaches back to its local midnight.
    public func coverage(of period: WindowPeriod, bounds: (from: Int64, to: Int64)) -> WindowCoverage {
        let (start, end) = (bounds.from * 60, bounds.to * 60)
        let length = max(0, end - start)
        // A state committed before coverage was recorded: the rule its next run applies, so that
        // `klaxon test` and `klaxon report` decide as that run will.
        guard let since = meta.coveredSince ?? earliestBucketHour() else {
            return WindowCoverage(period: period, coveredSeconds: 0, coveredFrom: nil, lengthSeconds: max(length, 1))
        }
        let from = Int64(since) * 60
        var covered = min(length, max(0, end - from))
        // After a failed ClickHouse pull the minutes past the watermark are missing, not quiet.
        if let pulled = meta.clickhouseWatermark, Int64(pulled) * 60 < end { covered = max(0, min(covered, length - (end - Int64(pulled) * 60))) }
        return WindowCoverage(period: period, coveredSeconds: covered, coveredFrom: from, lengthSeconds: length)
    }

    /// After the ingest of a run, before its evaluation. `keepFrom` is the minute
    /// the run prunes before (its longest window back from `now`); `droppedTooOld`
    /// says the new files held calls from before it.
    ///
    /// The first history starts at the hour (UTC) of the earliest call first folded
    /// (or of the earliest bucket of a state written before coverage was kept), or
    /// at `keepFrom` when those files reached further back. Exports are cut on whole
    /// hours, and a quiet first minutes of an export must not cost its first day of
    /// alerts; the minutes from there to the run are taken as complete. From then
    /// on, the start only moves forward, to where each run prunes.
    mutating func recordCoverage(keepFrom: Int32, droppedTooOld: Bool) {
        if meta.coveredSince == nil {
            guard let hour = earliestBucketHour() else { return }
            meta.coveredSince = droppedTooOld ? min(hour, keepFrom) : hour
        }
        if let since = meta.coveredSince, since < keepFrom { meta.coveredSince = keepFrom }
    }
}

extension KlaxonState {
    /// The start (minute) of the UTC hour of the earliest bucket held, if any.
    func earliestBucketHour() -> Int32? {
        var earliest: Int32?
        for b in buckets.values { if let first = b.firstMinute, first < (earliest ?? .max) { earliest = first } }
        return earliest.map { Int32(floorDiv(Int64($0), 60) * 60) }
    }

    /// No value for a windowed alert whose window the history does not cover; nil when it does
    /// (or the alert has no window: snapshot areas, streaks, scripts that read what there is).
    func uncoveredValue(of alert: AlertDefinition, windowEnd: Int64, zone: TimeZone) -> MetricValue? {
        guard alert.area.isWindowed, alert.area != .script, let period = alert.window else { return nil }
        let coverage = coverage(of: period, bounds: period.bounds(windowEnd: windowEnd, zone: zone))
        return coverage.isComplete ? nil : .uncoveredWindow(coverage)
    }
}
