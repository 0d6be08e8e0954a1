extension StatusReport {
    /// `klaxon status`, continued: the active silences, the maintenance windows open
    /// now, and the triggered instances they keep quiet or whose firing is still unsent.
    public static func silences(job: Job, state: KlaxonState, silences: SilenceList, now: Int64) -> String {
        let active = silences.active(at: now)
        var lines = ["active silences: \(active.count)"]
        for s in active {
            lines.append(PrintableText.make("  \(s.id): \(s.scopeText) until \(job.shownTime.timestamp(s.until))\(s.comment.map { " — \($0)" } ?? "")"))
        }
        let open = job.maintenance.filter { $0.isActive(at: now) }
        if !open.isEmpty { lines.append("maintenance open now: " + open.map { "\"\($0.name)\"" }.joined(separator: ", ")) }
        let silencer = Silencer(silences: active, windows: job.maintenance, now: now)
        let notices = state.meta.notices ?? [:]
        var quiet: [String] = []
        for (key, i) in state.meta.instances.sorted(by: { $0.key < $1.key }) where i.status == .triggered {
            let company = state.meta.companies[i.company]?.currentView ?? Company(id: i.company)
            let by = silencer.reason(alert: i.alert, company: company)
            let owed = notices[key]?.unnotifiedSince
            guard by != nil || owed != nil else { continue }
            var line = "  \(i.alert) / \(i.company)\(FraudStatus.suffix(key: key, state: state)): silenced"
            if let by { line += " by \(by)" }
            if let owed { line += "; triggered since \(job.shownTime.timestamp(owed)), not notified yet (the first run after the silence notifies it)" }
            quiet.append(line)
        }
        lines.append("silenced instances: \(quiet.count)")
        return (lines + quiet).joined(separator: "\n")
    }
}
