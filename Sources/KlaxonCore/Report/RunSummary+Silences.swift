extension RunSummary {
    /// One line per firing or repeat a silence swallowed: cron's mail shows what was kept quiet.
    static func silencedLines(_ report: RunReport) -> [String] {
        let silenced = report.decisions.filter { $0.silenced != nil }
        guard !silenced.isEmpty else { return [] }
        return ["silenced: \(silenced.count) (firings and repeats that notified no one and applied no penalty)"]
            + silenced.map { "  silenced \($0.alert) / \($0.company)\($0.destination.map { " / " + $0 } ?? ""): \($0.decision.rawValue), by \($0.silenced ?? "")" }
    }
}
