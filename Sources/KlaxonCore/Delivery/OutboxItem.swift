/// One thing a committed run decided to send: an e-mail, an SMS, a penalty
/// webhook call or a penalty log line. It stays in the outbox until delivered,
/// or until `give_up_after` passes (then it is dead and reported).
public struct OutboxItem: Sendable, Codable, Equatable {
    public enum Channel: String, Sendable, Codable { case email, sms, webhook, penaltyLog = "penalty_log" }

    /// Derived from the notification's identity, so a resend carries the same id (and Message-ID).
    public var id: String
    public var channel: Channel
    public var alert: String?
    public var company: String?
    public var kind: String
    public var recipients: [String]
    public var subject: String?
    /// The exact bytes to deliver: the RFC 5322 message, the SMS JSON, the webhook JSON or the log line.
    public var payload: String
    public var createdAt: Int64
    public var attempts = 0
    public var nextAttempt: Int64
    public var lastError: String?
    public var dead = false
    /// Set on a digest; absent from items decided before grouping existed.
    public var digest: Digest? = nil
}

extension OutboxItem {
    /// What a digest holds (behaviour.md "Grouped notifications"), for the run report and `klaxon replay`.
    public struct Digest: Sendable, Codable, Equatable {
        public var events: Int
        /// The companies its events are about, sorted.
        public var companies: [String]
        /// Events an SMS digest left out to stay within `sms.max_segments`.
        public var smsLeftOut: Int
    }
}
