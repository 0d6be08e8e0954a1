/// One step of an alert's `escalate` list: once the instance has stayed
/// triggered `after` past its notified firing, `to` is told too (once).
public struct Escalation: Sendable {
    public var after: TimeSpan
    public var to: [Recipient]
    /// Its place in `escalate` as written, for messages about it.
    public var index = 0
}

extension Recipient {
    /// A recipient as `to` writes it, or nil when malformed.
    init?(text: String) {
        let trimmed = text.trimming(.whitespaces)
        if trimmed == "contacts" { self = .contacts }
        else if trimmed.hasPrefix("+") { guard PhoneNumber.isValid(trimmed) else { return nil }; self = .phone(trimmed) }
        else if MailAddress.isValidAddress(trimmed) { self = .email(trimmed) }
        else { return nil }
    }

    /// As `to` writes it: what the state remembers of who was told.
    var text: String {
        switch self {
        case .email(let a): a
        case .phone(let p): p
        case .contacts: "contacts"
        }
    }
}
