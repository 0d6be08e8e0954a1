import KlaxonEngine
/// Everything a job remembers between runs (behaviour.md "State and durability"). The small, structured
/// part is stored as JSON; the minute buckets, which dominate its size, in binary.
public struct KlaxonState: Sendable, Equatable {
    public static let formatVersion = 6

    public var meta = StateMeta()
    /// Company id → its minute buckets.
    public var buckets: [String: CompanyBuckets] = [:]
    /// The file this state was loaded from, for the next save (`StateImage`); not part of its content.
    var image: StateImage?

    public init() {}

    public static func == (a: KlaxonState, b: KlaxonState) -> Bool { a.meta == b.meta && a.buckets == b.buckets }
}

public struct StateMeta: Sendable, Codable, Equatable {
    /// The `now` of the last committed run.
    public var lastRun: Int64?
    public var ledger = FileLedger()
    public var companies: [String: CompanyRecord] = [:]
    /// Ledger key of the balance file that is the current snapshot.
    public var snapshotFile: String?
    /// "title\u{1F}company" → instance.
    public var instances: [String: AlertInstance] = [:]
    public var penalties: [String: Penalty] = [:]
    public var outbox: [OutboxItem] = []
    public var failureStreaks: [String: FailureStreak] = [:]
    /// The first minute from which the buckets hold every call the job has read
    /// (`WindowCoverage`); nil until a call is folded.
    public var coveredSince: Int32?
    /// What the metrics file's counters count; nil in a state written before they were kept.
    public var runCounters: RunCounters?
    /// Instance key → what was (not) notified of its current triggered period, for the
    /// instances a silence or an escalation concerns; nil in a state written before silences.
    public var notices: [String: InstanceNotice]?
    /// Input name → its feed's health (behaviour.md "Feed health and live files"); nil in a state that watched none.
    public var feeds: [String: FeedState]?
    /// The call log and alert levels of behaviour.md "Destinations, fraud rules and baselines" (`FraudState`); nil in a state without them.
    public var fraud: FraudState?
    /// The minute up to which (exclusive) the CDRs were last pulled from ClickHouse; nil before a pull.
    public var clickhouseWatermark: Int32?

    public init() {}
}

/// A company as last seen: the snapshot's row, or what the CDRs told.
public struct CompanyRecord: Sendable, Codable, Equatable {
    public var company: Company
    /// Whether the current balance snapshot lists it.
    public var inSnapshot: Bool
    /// When it was last in a snapshot or a CDR; instances are dropped 30 days after.
    public var lastSeen: Int64

    mutating func markSeen(at time: Int64) { lastSeen = max(lastSeen, time) }

    /// The company as alerts see it now: a balance from a superseded snapshot is
    /// no balance at all, so balance alerts on a company missing from the current
    /// snapshot have no value and keep their state (behaviour.md "Alerts and the state machine").
    public var currentView: Company {
        var view = company
        if !inSnapshot { view.credit = nil }
        return view
    }
}
