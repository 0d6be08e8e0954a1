import Foundation
import KlaxonEngine

/// The hourly series the HTML report draws (behaviour.md "The operator's time and trends"), from the state's buckets:
/// per company its attempts and ASR, per triggered instance its alert's value.
/// The hours are counted back from the window end, over the job's longest window
/// (the earliest start of the report's windows), oldest first.
public struct ReportTrends: Sendable {
    /// The first minute of each hour, oldest first; the last hour ends at the window end.
    public var hourStarts: [Int64]
    /// By company id: attempts per hour.
    public var attempts: [String: [Int]]
    /// By company id: ASR per hour in percent; nil for an hour without a call.
    public var asr: [String: [Double?]]
    /// By instance key (`AlertInstance.key`): the alert's value at each hour's end, over
    /// the alert's own window ending there; nil where the kept history does not hold
    /// that whole window or it has too few calls. Snapshot and script alerts have none.
    public var values: [String: [Double?]]
    /// The job's alerts by title, for the thresholds drawn against `values`.
    public var alerts: [String: AlertDefinition]

    /// The most hours drawn: a month. Longer windows are drawn over their last month.
    static let maximumHours = 31 * 24

    init(job: Job, state: KlaxonState, now: Int64, bounds: [(from: Int64, to: Int64)]) {
        let end = job.windowEndMinute(now: now)
        let from = bounds.map(\.from).min() ?? end - 60
        let hours = min(Self.maximumHours, max(1, Int((end - from + 59) / 60)))
        hourStarts = (0..<hours).map { end - Int64(hours - $0) * 60 }
        let first = hourStarts.first ?? end
        attempts = [:]
        asr = [:]
        for id in state.meta.companies.keys {
            var slots = [MinuteBucket](repeating: MinuteBucket(minute: 0), count: hours)
            for b in state.buckets[id]?.buckets ?? [] where Int64(b.minute) >= first && Int64(b.minute) < end {
                slots[Int((Int64(b.minute) - first) / 60)].add(b)
            }
            attempts[id] = slots.map { Int($0.attempts) }
            asr[id] = slots.map { $0.attempts > 0 ? Double($0.connected) / Double($0.attempts) * 100 : nil }
        }
        values = [:]
        alerts = Dictionary(job.alerts.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
        let coveredSince = (state.meta.coveredSince ?? state.earliestBucketHour()).map { Int64($0) }
        for (key, instance) in state.meta.instances where instance.status == .triggered {
            guard let alert = alerts[instance.alert], alert.area.isWindowed, alert.area != .script, let period = alert.window,
                  let company = state.meta.companies[instance.company]?.currentView else { continue }
            values[key] = hourStarts.map { start in
                let window = period.bounds(windowEnd: start + 60, zone: job.shownTime.zone)
                guard let coveredSince, window.from >= coveredSince else { return nil }
                let total = state.window(of: company.id, bounds: window)
                if case .value(let v) = MetricCalculator.value(of: alert.area, window: total, company: company, failures: nil, minCalls: alert.minCalls) { return v }
                return nil
            }
        }
    }
}

extension MetricsReport {
    /// "Traffic over the last 1h", "Traffic today (since 2026-11-27T00:00:00+01:00)",
    /// "Traffic yesterday (2026-11-26)".
    func windowTitle(_ i: Int) -> String {
        let period = windows[i]
        switch period {
        case .rolling: return "Traffic over the last \(period)"
        case .calendar(let day):
            let from = windowStarts[i] * 60
            return day == .today ? "Traffic today (since \(shown.timestamp(from)))" : "Traffic yesterday (\(shown.date(from)))"
        }
    }
}
