extension Job {
    /// The minute every window of a run at `now` ends before (exclusive): `now − lag`,
    /// floored to the minute (behaviour.md "Metrics and windows", §20). The one place this is worked out, so that
    /// alerts, scripts, `klaxon test`, `klaxon report`, coverage and pruning cannot
    /// disagree about which minutes a window holds. Rows up to 5 minutes after `now`
    /// (not after the window end) are still folded: they count in a later run's window.
    public func windowEndMinute(now: Int64) -> Int64 {
        floorDiv(now - lag.seconds, 60)
    }

    /// The first minute a run at `now` keeps: its longest window back from the window end.
    func oldestKeptMinute(now: Int64) -> Int32 {
        Int32(clamping: windowEndMinute(now: now) - longestWindow.seconds / 60)
    }
}
