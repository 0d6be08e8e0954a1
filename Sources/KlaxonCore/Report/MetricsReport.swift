/// `klaxon report` (behaviour.md "Operators' interfaces"): for people, the current per-company metrics over
/// the job's windows, the alert states and the active penalties, from the
/// committed state at `now`. Rendered as Markdown, CSV or a self-contained HTML page.
public struct MetricsReport: Sendable {
    public enum Format: String, Sendable, CaseIterable { case md, csv, html }

    public struct Row: Sendable {
        public var company: Company
        public var inSnapshot: Bool
        /// One per report window, in `windows` order.
        public var windows: [WindowMetrics]
        public var consecutiveFailures: Int
        public var penaltyUntil: Int64?
        /// Titles of this company's triggered alerts.
        public var triggered: [String]
    }

    public struct Triggered: Sendable {
        public var alert: String
        public var level: AlertDefinition.Level
        public var company: Company
        public var value: String
        public var since: Int64?
        public var lastFired: Int64?
        /// For a `by: "destination"` instance, its destination.
        public var destination: String? = nil

        /// The alert as tables show it: with the destination, so that two destinations of one
        /// company are two rows a reader can tell apart.
        public var label: String { destination.map { "\(alert) (\($0))" } ?? alert }
    }

    public var job: String
    public var brand: String
    public var now: Int64
    public var lastRun: Int64?
    /// The sample periods of the job's alerts (1h when none has one).
    public var windows: [WindowPeriod]
    /// The first minute of each window, in `windows` order.
    public var windowStarts: [Int64]
    /// How much of each window the state's history holds, in `windows` order.
    public var coverage: [WindowCoverage]
    public var rows: [Row]
    public var triggered: [Triggered]
    public var penalties: [Penalty]
    public var outboxPending: Int
    public var outboxDead: Int
    /// How times are shown: the job's `timezone` (behaviour.md "The operator's time and trends").
    public var shown: ShownTime
    /// The hourly series the HTML report draws (behaviour.md "The operator's time and trends").
    public var trends: ReportTrends

    public init(job: Job, state: KlaxonState, now: Int64) {
        self.job = job.name
        brand = job.brand
        self.now = now
        lastRun = state.meta.lastRun
        shown = job.shownTime
        let periods = Set(job.alerts.compactMap(\.window)).sorted()
        windows = periods.isEmpty ? [.rolling(TimeSpan(seconds: 3_600))] : periods
        let bounds = windows.map { job.bounds(of: $0, now: now) }
        windowStarts = bounds.map(\.from)
        coverage = zip(windows, bounds).map { state.coverage(of: $0, bounds: $1) }
        let alerts = Dictionary(job.alerts.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
        let companies = state.meta.companies
        let live = state.meta.instances.filter { $0.value.status == .triggered && alerts[$0.value.alert] != nil && companies[$0.value.company] != nil }
        triggered = live.compactMap { key, instance in
            guard let alert = alerts[instance.alert], let company = companies[instance.company]?.company else { return nil }
            let value = instance.lastValue.map { ValueFormatter.format($0, area: alert.area, currency: company.currency) } ?? "–"
            // A per-destination instance's key ends in its destination (`CallLogEvaluator.key`).
            let parts = key.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
            return Triggered(alert: alert.title, level: alert.level, company: company, value: value,
                             since: instance.triggeredSince, lastFired: instance.lastFired,
                             destination: parts.count == 3 ? String(parts[2]) : nil)
        }.sorted { (Self.severity($0.level), $0.label, $0.company.id) < (Self.severity($1.level), $1.label, $1.company.id) }
        let triggeredBy = Dictionary(grouping: triggered, by: \.company.id)
        penalties = state.meta.penalties.values.sorted { $0.company < $1.company }
        let windows = self.windows
        rows = companies.values.sorted { ($0.company.type == .carrier ? 1 : 0, $0.company.id) < ($1.company.type == .carrier ? 1 : 0, $1.company.id) }.map { record in
            let company = record.company
            return Row(company: company, inSnapshot: record.inSnapshot,
                       windows: zip(windows, bounds).map { WindowMetrics(window: state.window(of: company.id, bounds: $1), company: company, period: $0) },
                       consecutiveFailures: state.meta.failureStreaks[company.id]?.count ?? 0,
                       penaltyUntil: state.meta.penalties[company.id]?.until,
                       triggered: (triggeredBy[company.id] ?? []).map(\.label))
        }
        outboxPending = state.meta.outbox.filter { !$0.dead }.count
        outboxDead = state.meta.outbox.filter(\.dead).count
        trends = ReportTrends(job: job, state: state, now: now, bounds: bounds)
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .md: markdown()
        case .csv: csv()
        case .html: html()
        }
    }

    /// Errors first, then warnings, then the rest.
    static func severity(_ level: AlertDefinition.Level) -> Int {
        switch level {
        case .error: 0
        case .warning: 1
        case .none: 2
        }
    }

    var title: String { "Klaxon report — \(job)" }

    var summary: String {
        let parts = ["\(rows.count) compan\(rows.count == 1 ? "y" : "ies")",
                     "\(triggered.count) alert\(triggered.count == 1 ? "" : "s") triggered",
                     "\(penalties.count) penalt\(penalties.count == 1 ? "y" : "ies") active",
                     "outbox: \(outboxPending) pending, \(outboxDead) dead"]
        return parts.joined(separator: " · ")
    }

    var generatedLine: String {
        ([brand].filter { !$0.isEmpty } + ["at \(shown.timestamp(now))", "last run \(lastRun.map(shown.timestamp) ?? "never")"])
            .joined(separator: " · ")
    }

    /// The traffic columns of one window, formatted for people ("–" where there is no value).
    static let trafficHeaders = ["attempts", "connected", "ASR", "NER", "ACD", "PDD", "minutes", "spend", "profit"]

    static func trafficCells(_ m: WindowMetrics, currency: String) -> [String] {
        func f(_ v: Double?, _ area: Area) -> String { v.map { ValueFormatter.format($0, area: area, currency: currency) } ?? "–" }
        return [String(m.attempts), String(m.connected), f(m.asr, .asr), f(m.ner, .ner), f(m.acd, .acd), f(m.pdd, .pdd),
                f(m.minutes, .minutes), f(m.spend, .spend), f(m.profit, .profit)]
    }

    static let companyHeaders = ["company", "name", "type", "status", "balance", "available", "failure streak", "penalty until", "triggered alerts"]

    func companyCells(_ row: Row) -> [String] {
        let c = row.company
        return [c.id, c.name, c.type.rawValue, row.inSnapshot ? c.status.rawValue : "not in snapshot",
                c.credit.map { ValueFormatter.format($0, area: .balance, currency: c.currency) } ?? "–",
                c.credit.map { ValueFormatter.format($0 + c.debitLimit, area: .availableCredit, currency: c.currency) } ?? "–",
                String(row.consecutiveFailures), row.penaltyUntil.map(shown.timestamp) ?? "",
                row.triggered.joined(separator: ", ")]
    }

    static let triggeredHeaders = ["alert", "level", "company", "name", "value", "since", "last fired"]

    func triggeredCells(_ t: Triggered) -> [String] {
        [t.label, t.level.rawValue, t.company.id, t.company.name, t.value,
         t.since.map(shown.timestamp) ?? "–", t.lastFired.map(shown.timestamp) ?? "–"]
    }

    static let penaltyHeaders = ["company", "type", "until", "alert"]

    func penaltyCells(_ p: Penalty) -> [String] {
        [p.company, p.type.rawValue, shown.timestamp(p.until), p.alert]
    }
}

extension MetricsReport {
    /// Said above a window's table when the state's history does not hold all of it: its sums are partial.
    func coverageNote(_ i: Int) -> String? {
        let c = coverage[i]
        guard !c.isComplete else { return nil }
        return "Partial window: the state's history covers \(c.description(shown: shown)); alerts over \(c.period) have insufficient data until it is complete."
    }
}
