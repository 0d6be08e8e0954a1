/// How much of a window the state's history holds. The state keeps complete
/// minutes from `StateMeta.coveredSince` on: before it, the job had not yet
/// read any call (a younger state), or pruned what it had read (to the longest
/// window of the job as it was then). A window reaching before it would be
/// summed over part of its calls, so it has no value (`MetricValue.uncoveredWindow`).
public struct WindowCoverage: Sendable, Equatable {
    public var period: TimeSpan
    /// Seconds of the window, counted back from its end, that the state holds.
    public var coveredSeconds: Int64
    /// The first covered minute's start; nil when no call has been read yet.
    public var coveredFrom: Int64?

    public var isComplete: Bool { coveredSeconds >= period.seconds }

    /// "complete", or "23h of 1d (history from 2026-11-27T01:00:00Z)", for reports.
    public var description: String {
        if isComplete { return "complete" }
        guard let coveredFrom else { return "none of \(period) (no call read yet)" }
        return "\(coveredSeconds >= 60 ? TimeSpan(seconds: coveredSeconds).description : "0m") of \(period) (history from \(ValueFormatter.timestamp(coveredFrom)))"
    }
}

extension KlaxonState {
    /// The coverage of the window of `period` ending before minute `windowEnd` (`Job.windowEndMinute`).
    public func coverage(of period: TimeSpan, windowEnd: Int64) -> WindowCoverage {
        let end = windowEnd * 60
        // A state committed before coverage was recorded: the rule its next run applies, so that
        // `klaxon test` and `klaxon report` decide as that run will.
        guard let since = meta.coveredSince ?? earliestBucketHour() else { return WindowCoverage(period: period, coveredSeconds: 0, coveredFrom: nil) }
        let from = Int64(since) * 60
        var covered = min(period.seconds, max(0, end - from))
        // After a failed ClickHouse pull the minutes past the watermark are missing, not quiet.
        if let pulled = meta.clickhouseWatermark, Int64(pulled) * 60 < end { covered = max(0, min(covered, period.seconds - (end - Int64(pulled) * 60))) }
        return WindowCoverage(period: period, coveredSeconds: covered, coveredFrom: from)
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
    func uncoveredValue(of alert: AlertDefinition, windowEnd: Int64) -> MetricValue? {
        guard alert.area.isWindowed, alert.area != .script, let period = alert.samplePeriod else { return nil }
        let coverage = coverage(of: period, windowEnd: windowEnd)
        return coverage.isComplete ? nil : .uncoveredWindow(coverage)
    }
}
