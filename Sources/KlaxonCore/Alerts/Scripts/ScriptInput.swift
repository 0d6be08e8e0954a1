/// What a script alert reads on its standard input (behaviour.md "Alerts and the state machine"): the run's `now`,
/// the job, the alert, and every company in the alert's scope with its snapshot
/// fields, its instance's state and, when the alert has a `sample_period`, its
/// window metrics.
struct ScriptInput: Encodable {
    var now: String
    var job: String
    var alert: Alert
    var companies: [CompanyEntry]

    struct Alert: Encodable {
        var title: String
        var level: String
        var samplePeriod: String?
        var minCalls: Int
        var arguments: [String]

        enum CodingKeys: String, CodingKey {
            case title, level, arguments
            case samplePeriod = "sample_period", minCalls = "min_calls"
        }
    }

    struct CompanyEntry: Encodable {
        var id: String
        var name: String
        var type: String
        var status: String
        var currency: String
        var credit: Double?
        var debitLimit: Double
        var availableCredit: Double?
        var tags: [String]
        /// Whether the current balance snapshot lists it (else it is known from CDRs only).
        var inSnapshot: Bool
        var consecutiveFailures: Int
        var penaltyUntil: String?
        /// `ok` or `triggered`: this alert's instance for the company, before this run.
        var state: String
        var window: WindowMetrics?

        enum CodingKeys: String, CodingKey {
            case id, name, type, status, currency, credit, tags, state, window
            case debitLimit = "debit_limit", availableCredit = "available_credit", inSnapshot = "in_snapshot"
            case consecutiveFailures = "consecutive_failures", penaltyUntil = "penalty_until"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(type, forKey: .type)
            try c.encode(status, forKey: .status)
            try c.encode(currency, forKey: .currency)
            try c.encode(credit, forKey: .credit)
            try c.encode(debitLimit, forKey: .debitLimit)
            try c.encode(availableCredit, forKey: .availableCredit)
            try c.encode(tags, forKey: .tags)
            try c.encode(inSnapshot, forKey: .inSnapshot)
            try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
            try c.encode(penaltyUntil, forKey: .penaltyUntil)
            try c.encode(state, forKey: .state)
            try c.encodeIfPresent(window, forKey: .window)
        }
    }

    init(job: Job, alert: AlertDefinition, state: KlaxonState, now: Int64) {
        self.now = ValueFormatter.timestamp(now)
        self.job = job.name
        self.alert = Alert(title: alert.title, level: alert.level.rawValue, samplePeriod: alert.window?.description,
                           minCalls: alert.minCalls, arguments: alert.scriptArguments)
        companies = state.meta.companies.values.filter { alert.scope.includes($0.company) }.sorted { $0.company.id < $1.company.id }.map { record in
            let company = record.currentView
            let instance = state.meta.instances[AlertInstance.key(alert: alert.title, company: company.id)]
            return CompanyEntry(
                id: company.id, name: company.name, type: company.type.rawValue, status: company.status.rawValue,
                currency: company.currency, credit: company.credit, debitLimit: company.debitLimit,
                availableCredit: company.credit.map { $0 + company.debitLimit }, tags: company.tags, inSnapshot: record.inSnapshot,
                consecutiveFailures: state.meta.failureStreaks[company.id]?.count ?? 0,
                penaltyUntil: state.meta.penalties[company.id].map { ValueFormatter.timestamp($0.until) },
                state: (instance?.status ?? .ok).rawValue,
                window: alert.window.map { WindowMetrics(window: state.window(of: company.id, bounds: job.bounds(of: $0, now: now)), company: company, period: $0) })
        }
    }
}
