/// What the recipients of one triggered instance have been told, when that
/// differs from "its firing was notified to `to`": a firing swallowed by a
/// silence, or escalation steps sent. Kept in `StateMeta.notices`; an instance
/// without an entry had its firing notified and has not escalated.
public struct InstanceNotice: Sendable, Codable, Equatable {
    /// Set while the current triggered period's firing has reached no one (it fired
    /// silenced): the start of that period, said in the late notice.
    public var unnotifiedSince: Int64?
    /// When the firing was notified, when later than it fired (after a silence):
    /// escalation delays count from here.
    public var notifiedAt: Int64?
    /// The escalation steps sent (indices into the alert's `escalate`).
    public var escalated: [Int]?
    /// Who the escalations told, as `to` writes them: the reset goes to them too.
    public var told: [String]?

    public init() {}

    var isEmpty: Bool { unnotifiedSince == nil && notifiedAt == nil && (escalated ?? []).isEmpty && (told ?? []).isEmpty }
}
