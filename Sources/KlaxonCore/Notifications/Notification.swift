import KlaxonEngine
/// Why a message is sent (the `kind` template variable).
public enum NotificationKind: String, Sendable, Codable {
    case fired, `repeat`, reset, test
    /// An escalation step's notice (`escalate`): the instance is still triggered past its delay.
    case escalated
}

/// Everything a template can say about one firing, before rendering.
public struct AlertEvent: Sendable {
    public var alert: AlertDefinition
    public var company: Company
    public var kind: NotificationKind
    public var value: Double?
    public var message: String?
    public var window: MinuteBucket?
    public var penaltyUntil: Int64?
    public var now: Int64
    /// Stands in for `value` when there is none (`klaxon test` with too few calls), so a
    /// message never reads "is currently at ."
    public var valueText: String? = nil
    /// Since when the instance is triggered, for a firing notified late (after a silence) and escalations.
    public var triggeredSince: Int64? = nil
    /// The destination of a `by: "destination"` instance.
    public var destination: String? = nil
    /// The instance's level under `levels` (for a reset, the level it left).
    public var level: AlertLevel? = nil
    /// For an alert with `baseline`: the baseline and value ÷ baseline (`value` is then the value itself).
    public var baseline: Double? = nil
    public var ratio: Double? = nil
}
