/// One operator silence (`klaxon silence add`): while active, the instances it
/// matches are evaluated as usual but notify no one and apply no penalty.
public struct Silence: Sendable, Codable, Equatable {
    /// A small number, so that an operator can type `klaxon silence expire JOB 3`.
    public var id: Int
    /// nil silences every alert of the job (`--all`).
    public var alert: String?
    /// At most one of `company` and `tag`; neither matches every company.
    public var company: String?
    public var tag: String?
    public var created: Int64
    public var until: Int64
    /// Set by `klaxon silence expire`: when it was ended early.
    public var expired: Int64?
    public var comment: String?

    public init(id: Int, alert: String?, company: String?, tag: String?, created: Int64, until: Int64, comment: String?) {
        self.id = id
        self.alert = alert
        self.company = company
        self.tag = tag
        self.created = created
        self.until = until
        self.comment = comment
    }

    /// When it stopped (or stops) silencing.
    public var end: Int64 { min(until, expired ?? until) }

    /// An expired silence stays inactive even for a run whose `--now` is earlier than
    /// the expiry: the operator ended it, and a replayed or late run must honour that.
    public func isActive(at now: Int64) -> Bool { expired == nil && now < until }

    public func matches(alert title: String, company: Company) -> Bool {
        if let alert, alert != title { return false }
        if let id = self.company, id != company.id { return false }
        if let tag, !company.tags.contains(tag) { return false }
        return true
    }

    /// "silence 3 until 2026-11-27T06:00:00Z", as reports and status show it.
    public var label: String { "silence \(id) until \(ValueFormatter.timestamp(until))" }

    /// What it covers, in words: "alert \"Low ASR\", company C1".
    public var scopeText: String {
        let what = alert.map { "alert \"\($0)\"" } ?? "every alert"
        let whom = company.map { "company \($0)" } ?? tag.map { "companies tagged \($0)" } ?? "every company"
        return "\(what), \(whom)"
    }
}

/// The contents of `STATE/silences.json`.
public struct SilenceList: Sendable, Codable, Equatable {
    public var nextID = 1
    public var silences: [Silence] = []

    public init() {}

    /// Expired silences are listed for a week, then forgotten, like dead outbox items.
    public static let keepExpired: Int64 = 7 * 86_400

    public mutating func forgetOld(now: Int64) {
        silences.removeAll { $0.end < now - Self.keepExpired }
    }

    public func active(at now: Int64) -> [Silence] { silences.filter { $0.isActive(at: now) } }
}
