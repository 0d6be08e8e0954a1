/// Per-alert counts for the run report (behaviour.md "Operators' interfaces").
public struct AlertSummary: Sendable, Codable, Equatable {
    public var alert: String
    public var evaluated = 0
    public var fired = 0
    public var repeated = 0
    public var reset = 0
    public var insufficient = 0
    public var missing = 0
    public var triggered = 0

    public init(alert: String) { self.alert = alert }

    mutating func count(_ decision: Decision) {
        evaluated += 1
        switch decision {
        case .fired: fired += 1
        case .repeated: repeated += 1
        case .reset: reset += 1
        case .insufficientData: insufficient += 1
        case .missing: missing += 1
        case .held, .ok: break
        }
    }
}

/// One instance's decision in a run, for reports and scenario checks.
public struct InstanceDecision: Sendable, Codable, Equatable {
    public var alert: String
    public var company: String
    public var decision: Decision
    public var value: Double?
    /// What swallowed this firing or repeat (a silence or a maintenance window); nil when it was notified.
    public var silenced: String? = nil
    /// For a `by: "destination"` alert, the destination of the instance.
    public var destination: String? = nil
    /// For an alert with `levels`, the instance's level after the decision.
    public var level: AlertLevel? = nil
}
