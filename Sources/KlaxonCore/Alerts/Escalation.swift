/// One step of an alert's `escalate` list: once the instance has stayed
/// triggered `after` past its notified firing, `to` is told too (once).
public struct Escalation: Sendable {
    public var after: TimeSpan
    public var to: [Recipient]
    /// Its place in `escalate` as written, for messages about it.
    public var index = 0
}
