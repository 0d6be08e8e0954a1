/// `klaxon status`: what is triggered, who is disabled, what is still to send.
public enum StatusReport {
    public static func text(job: Job, state: KlaxonState) -> String {
        let shown = job.shownTime
        var lines: [String] = ["\(job.name): last run \(state.meta.lastRun.map(shown.timestamp) ?? "never")"]
        let alerts = Dictionary(job.alerts.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
        let triggered = state.meta.instances.filter { $0.value.status == .triggered }
            .sorted { ($0.value.alert, $0.value.company, $0.key) < ($1.value.alert, $1.value.company, $1.key) }
        lines.append("triggered instances: \(triggered.count)")
        for (key, i) in triggered {
            let currency = state.meta.companies[i.company]?.company.currency ?? ""
            let value = Self.value(i.lastValue, alert: alerts[i.alert], currency: currency)
            lines.append("  \(i.alert) / \(i.company)\(FraudStatus.suffix(key: key, state: state)): since \(i.triggeredSince.map(shown.timestamp) ?? "-"), last fired \(i.lastFired.map(shown.timestamp) ?? "-"), value \(value)")
        }
        let penalties = state.meta.penalties.values.sorted { $0.company < $1.company }
        lines.append("active penalties: \(penalties.count)")
        for p in penalties { lines.append("  \(p.company) (\(p.type.rawValue)) until \(shown.timestamp(p.until)) — \(p.alert)") }
        let pending = state.meta.outbox.filter { !$0.dead }
        let dead = state.meta.outbox.filter(\.dead)
        lines.append("outbox: \(pending.count) pending, \(dead.count) dead")
        for item in pending + dead {
            lines.append("  \(item.dead ? "dead" : "pending") \(item.channel.rawValue) to \(item.recipients.joined(separator: ", ")): \(item.subject ?? item.kind) — \(item.attempts) attempts\(item.lastError.map { ", last error: \($0)" } ?? "")")
        }
        lines += FeedWatch.statusLines(job: job, state: state)
        return lines.joined(separator: "\n")
    }

    /// As messages and reports show it; an instance whose alert left the job has no
    /// area to format by, so it gets two decimals rather than a raw double.
    static func value(_ value: Double?, alert: AlertDefinition?, currency: String) -> String {
        guard let value else { return "-" }
        guard let alert else { return ValueFormatter.trimmed(value, decimals: 2) }
        if alert.fraud.baseline != nil { return "×" + ValueFormatter.trimmed(value, decimals: 1) }
        return ValueFormatter.format(value, area: alert.area, currency: currency)
    }
}
