/// A recipient's written form, as `to` holds it and as the state remembers who was told.
extension Recipient {
    /// Why a written recipient is not one.
    enum TextError: Error { case malformedPhone, malformedAddress }

    /// The recipient `text` names: `contacts`, `webhook:NAME`, an E.164 number or an e-mail address.
    static func parse(_ text: String) -> Result<Recipient, TextError> {
        let trimmed = text.trimming(.whitespaces)
        if trimmed == "contacts" { return .success(.contacts) }
        if trimmed.hasPrefix(WebhookParser.recipientPrefix) {
            return .success(.webhook(String(trimmed.dropFirst(WebhookParser.recipientPrefix.count))))
        }
        if trimmed.hasPrefix("+") { return PhoneNumber.isValid(trimmed) ? .success(.phone(trimmed)) : .failure(.malformedPhone) }
        return MailAddress.isValidAddress(trimmed) ? .success(.email(trimmed)) : .failure(.malformedAddress)
    }

    /// The recipient `text` names, or nil when it is malformed.
    init?(text: String) {
        guard case .success(let recipient) = Recipient.parse(text) else { return nil }
        self = recipient
    }

    /// As `to` writes it.
    var text: String {
        switch self {
        case .email(let a): a
        case .phone(let p): p
        case .contacts: "contacts"
        case .webhook(let name): WebhookParser.recipientPrefix + name
        }
    }
}
