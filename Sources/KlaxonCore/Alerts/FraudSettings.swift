/// An alert's per-destination and fraud-rule fields (destinations, levels,
/// active hours, baseline); all optional, so an alert without them is as before.
public struct FraudSettings: Sendable {
    public enum By: String, Sendable { case company, destination }
    public var by: By = .company
    /// The `destinations` filter as written (group:NAME, a name, or a prefix); nil watches every destination.
    public var filter: [String]?
    /// The filter resolved against the job's table: destination indices, `DestinationIndex.other` for `other`.
    public var watched: Set<Int32>?
    public var levels: Levels?
    public var active: HoursOfWeek?
    public var baseline: Baseline?
    /// Below this baseline the ratio means nothing: no value (insufficient data).
    public var minBaseline: Double?

    public init() {}

    /// Whether the instance for destination `index` is one this alert makes.
    func watches(_ index: Int32) -> Bool { watched?.contains(index) ?? true }
}

/// `levels: { warning, critical }`: the warning is the alert's threshold; the
/// critical level is a second, further bound in the operator's direction.
public struct Levels: Sendable, Equatable {
    public var warning: Double
    public var critical: Double
}

/// The level an instance with `levels` is at while triggered.
public enum AlertLevel: String, Sendable, Codable {
    case warning, critical
}

/// Destinations are indices into the job's `DestinationTable`; `other` is this one.
enum DestinationIndex {
    static let other: Int32 = -1
}

extension AlertDefinition {
    /// Whether the alert is measured from the call log rather than the minute buckets:
    /// per destination, or a per-call area.
    var usesCallLog: Bool { fraud.by == .destination || area.isPerCall }

    /// Evaluated by `CallLogEvaluator`, not the bucket pass: call-log alerts and baselines.
    var isEvaluatedApart: Bool { usesCallLog || fraud.baseline != nil }

    /// Outside its `active` hours an alert decides nothing. The instant looked at is the
    /// window's last minute: the calls an alert judges are the ones inside its hours.
    func isActive(windowEndMinute: Int64) -> Bool {
        guard let active = fraud.active else { return true }
        return active.contains(windowEndMinute * 60 - 60)
    }
}

extension Area {
    /// Measured call by call from the call log: a minute bucket cannot tell them.
    public var isPerCall: Bool {
        switch self {
        case .callsPerMinute, .concurrentCalls, .sequentialCalls, .maxDuration: true
        default: false
        }
    }
}
