/// Who receives which events in a grouped run (behaviour.md "Grouped notifications"): one group per e-mail
/// address or phone number, holding the indices of its events.
///
/// A company contact (an address that comes from the balance snapshot's
/// `email`/`phone` through `to: "contacts"`) gets a group of its own per company,
/// so it is never told about another company. An address that an alert also names
/// directly is an operator's: its contact events join its one operator digest.
struct DigestGroups {
    struct Group: Equatable {
        var channel: OutboxItem.Channel
        /// As first written; groups are matched without case.
        var address: String
        /// The company a contact's digest is limited to; nil for a digest of everything.
        var company: String?
        var events: [Int] = []
    }

    var groups: [Group] = []
    var warnings: [String] = []
    /// Events with e-mail or SMS recipients that no group took.
    var unreached: [Int] = []

    init(_ events: [AlertEvent], hasEmail: Bool, hasSMS: Bool) {
        struct Key: Hashable { var channel: OutboxItem.Channel; var address: String; var company: String? }
        var targets: [(key: Key, address: String, event: Int)] = []
        var noEmailSettings: Set<String> = []
        for (index, event) in events.enumerated() {
            var reached = false
            func add(_ channel: OutboxItem.Channel, _ address: String, contactOf company: String?) {
                guard channel == .email ? hasEmail : hasSMS else {
                    if channel == .email { noEmailSettings.insert(event.alert.title) }
                    return
                }
                reached = true
                targets.append((Key(channel: channel, address: address.lowercased(), company: company), address, index))
            }
            for recipient in event.alert.recipients {
                if case .email(let a) = recipient { add(.email, a, contactOf: nil) }
                if case .phone(let p) = recipient { add(.sms, p, contactOf: nil) }
                guard case .contacts = recipient else { continue }
                for a in event.company.emails {
                    if MailAddress.isValidAddress(a) { add(.email, a, contactOf: event.company.id) }
                    else { warnings.append("company \(event.company.id): contact e-mail \"\(HeaderSafety.strippingLineBreaks(a))\" is malformed; not used") }
                }
                for p in event.company.phones {
                    if PhoneNumber.isValid(p) { add(.sms, p, contactOf: event.company.id) }
                    else { warnings.append("company \(event.company.id): contact phone \"\(HeaderSafety.strippingLineBreaks(p))\" is malformed; not used") }
                }
            }
            if !reached, Self.hasPersonalRecipients(event.alert) { unreached.append(index) }
        }
        let operators = Set(targets.filter { $0.key.company == nil }.map { Key(channel: $0.key.channel, address: $0.key.address) })
        struct Taken: Hashable { var group: Int; var event: Int }
        var position: [Key: Int] = [:]
        var taken: Set<Taken> = []
        for var target in targets {
            if operators.contains(Key(channel: target.key.channel, address: target.key.address)) { target.key.company = nil }
            if let at = position[target.key] {
                // An address both named and a contact of the company is told of the event once.
                if taken.insert(Taken(group: at, event: target.event)).inserted { groups[at].events.append(target.event) }
            } else {
                taken.insert(Taken(group: groups.count, event: target.event))
                position[target.key] = groups.count
                groups.append(Group(channel: target.key.channel, address: target.address, company: target.key.company, events: [target.event]))
            }
        }
        // Malformed contacts are the snapshot's, repeated by every alert of the company: said once.
        var seen: Set<String> = []
        warnings = warnings.filter { seen.insert($0).inserted }
        for title in noEmailSettings.sorted() {
            warnings.append("alert \(title): e-mail recipients but no `email` settings; not sent")
        }
    }

    /// Whether the alert names e-mail addresses or phone numbers, the recipients a digest serves.
    static func hasPersonalRecipients(_ alert: AlertDefinition) -> Bool {
        alert.recipients.contains { isPersonal($0) }
    }

    /// E-mail, phone and contacts go into digests; any other kind of recipient
    /// (a webhook) stays per event.
    static func isPersonal(_ recipient: Recipient) -> Bool {
        if case .email = recipient { return true }
        if case .phone = recipient { return true }
        if case .contacts = recipient { return true }
        return false
    }
}
