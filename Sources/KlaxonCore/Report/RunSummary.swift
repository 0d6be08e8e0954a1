/// The short human summary of a run printed on stdout.
public enum RunSummary {
    /// `shown`: the job's zone; the run report itself keeps its times in UTC.
    public static func text(_ report: RunReport, shown: ShownTime = .utc) -> String {
        var lines: [String] = []
        let now = shown.isUTC ? report.now : shown.reshown(report.now)
        let taken = report.files.filter { $0.outcome == .taken }.count
        let header = report.dryRun ? "DRY RUN \(report.job) at \(now) — nothing was changed" : "\(report.job) at \(now)"
        lines.append(header)
        lines.append("files: \(taken) taken" + outcomeCounts(report.files) + "; rows: \(report.rows.read) read, \(report.rows.folded) folded, \(report.rows.rejected) rejected, \(report.rows.tooOld) too old, \(report.rows.inFuture) in the future")
        for file in report.files where ![.taken, .waiting].contains(file.outcome) {
            lines.append("  \(file.outcome.rawValue) \(file.input)/\(file.name)\(file.reason.map { ": \($0)" } ?? "")")
        }
        lines += shardLines(report)
        let fired = report.alerts.reduce(0) { $0 + $1.fired }
        let repeated = report.alerts.reduce(0) { $0 + $1.repeated }
        let reset = report.alerts.reduce(0) { $0 + $1.reset }
        let evaluated = report.alerts.reduce(0) { $0 + $1.evaluated }
        lines.append("alerts: \(report.alerts.count) alerts, \(evaluated) instances evaluated: \(fired) fired, \(repeated) repeated, \(reset) reset")
        for a in report.alerts where a.fired + a.repeated + a.reset > 0 {
            lines.append("  \(a.alert): \(a.fired) fired, \(a.repeated) repeated, \(a.reset) reset, \(a.insufficient) insufficient data, \(a.triggered) triggered now")
        }
        lines += silencedLines(report)
        lines += FeedWatch.summaryLines(report.feeds ?? [])
        for p in report.penalties {
            lines.append("penalty \(p.kind.rawValue) \(p.company) until \(shown.timestamp(p.until)) (\(p.alert))")
        }
        let byResult = Dictionary(grouping: report.notifications.filter { $0.channel != .penaltyLog }, by: \.result)
        if !report.notifications.isEmpty {
            let parts = [Outbox.Outcome.Result.sent, .failed, .waiting, .dead].compactMap { r in byResult[r].map { "\($0.count) \(report.dryRun && r == .waiting ? "would be sent" : r.rawValue)" } }
            if !parts.isEmpty { lines.append("notifications: " + parts.joined(separator: ", ")) }
        }
        for n in report.notifications where n.channel != .penaltyLog {
            let verb = report.dryRun ? "would send" : n.result.rawValue
            lines.append("  \(verb) \(n.channel.rawValue) \(n.destination): \(n.about)\(n.error.map { " — \($0)" } ?? "")")
        }
        for d in report.dropped { lines.append("dropped \(d)") }
        return lines.joined(separator: "\n")
    }

    private static func outcomeCounts(_ files: [FileReport]) -> String {
        let counted: [FileReport.Outcome] = [.rejected, .conflict, .refused, .duplicate, .superseded, .waiting]
        return counted.compactMap { o in
            let n = files.filter { $0.outcome == o }.count
            return n > 0 ? ", \(n) \(o.rawValue)" : nil
        }.map { $0 }.joined()
    }
}
