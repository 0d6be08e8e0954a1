/// One alert as written in the job (behaviour.md "Alerts and the state machine"); field names follow ConnexCS's form.
public struct AlertDefinition: Sendable {
    public var title: String
    /// The file the alert was written in, for messages.
    public var file: String
    public var scope: AlertScope
    public var recipients: [Recipient]
    public var area: Area
    public var comparison: Comparison
    public var threshold: Double?
    public var resetThreshold: Double?
    public var samplePeriod: TimeSpan?
    public var minCalls: Int
    public var penalty: TimeSpan?
    public var template: String
    public var repeatEvery: TimeSpan?
    public var level: Level
    public var sendReset: Bool
    /// For area script: the executable (absolute once the job is loaded)…
    public var script: String?
    /// …its fixed arguments…
    public var scriptArguments: [String] = []
    /// …and how long it may run (default 30s).
    public var scriptTimeout: TimeSpan?
    /// `sample_period: "today"` or `"yesterday"` (behaviour.md "The operator's time and trends"); `samplePeriod` then holds
    /// the longest such a day can reach back, which is what the state keeps for it.
    public var calendarDay: CalendarDay? = nil
    /// Who else is told while it stays triggered (`escalate`).
    public var escalations: [Escalation] = []
    /// Destinations, levels, active hours (behaviour.md "Destinations, fraud rules and baselines").
    public var fraud = FraudSettings()

    public enum Level: String, Sendable, CaseIterable { case none, warning, error }
}

/// Which companies an alert watches: one instance per matching company.
public enum AlertScope: Sendable, Equatable {
    case company(String)
    case companies([String])
    /// A global (no tag) or tag alert.
    case matching(type: CompanyTypeFilter, tag: String?)

    public enum CompanyTypeFilter: String, Sendable { case customer, carrier, any }

    public func includes(_ company: Company) -> Bool {
        switch self {
        case .company(let id): company.id == id
        case .companies(let ids): ids.contains(company.id)
        case .matching(let type, let tag):
            (type == .any || type.rawValue == company.type.rawValue)
                && (tag.map { company.tags.contains($0) } ?? true)
        }
    }
}

/// A recipient as written in `to`.
public enum Recipient: Sendable, Equatable, Hashable {
    case email(String)
    case phone(String)
    /// The company's own `email` and `phone` contacts from the balance snapshot.
    case contacts
    /// `webhook:NAME`: one of the job's `webhooks`.
    case webhook(String)
}

/// The `operator` field.
public enum Comparison: String, Sendable, CaseIterable {
    case lessThan = "<", lessOrEqual = "<=", equal = "=", greaterOrEqual = ">=", greaterThan = ">", always

    /// Whether `value` meets the alert's condition.
    public func holds(_ value: Double, threshold: Double) -> Bool {
        switch self {
        case .lessThan: value < threshold
        case .lessOrEqual: value <= threshold
        // `=` compares at two decimals, so 29.999 and 30 are equal as an operator sees them.
        case .equal: (value * 100).rounded() == (threshold * 100).rounded()
        case .greaterOrEqual: value >= threshold
        case .greaterThan: value > threshold
        case .always: true
        }
    }

    /// Whether a triggered instance with `value` resets (behaviour.md "Alerts and the state machine").
    public func resets(_ value: Double, threshold: Double, resetThreshold: Double?) -> Bool {
        guard let reset = resetThreshold else { return !holds(value, threshold: threshold) }
        switch self {
        case .lessThan, .lessOrEqual: return value >= reset
        case .greaterThan, .greaterOrEqual: return value <= reset
        case .equal, .always: return !holds(value, threshold: threshold)
        }
    }
}
