/// The remembered state of one (alert, company) pair (behaviour.md "Alerts and the state machine").
public struct AlertInstance: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable { case ok, triggered }
    public var alert: String
    public var company: String
    public var status: Status
    /// When it last fired (first firing or a repeat); drives `repeat`.
    public var lastFired: Int64?
    /// When the current triggered period began.
    public var triggeredSince: Int64?
    public var lastValue: Double?

    public init(alert: String, company: String) {
        self.alert = alert
        self.company = company
        self.status = .ok
    }

    public static func key(alert: String, company: String) -> String { alert + "\u{1F}" + company }
}
