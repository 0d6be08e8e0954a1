import Foundation
import KlaxonEngine

/// Renders a run's events and penalty actions into outbox items: the exact
/// messages that will be sent, fixed at commit time so a retry resends the same bytes.
public struct NotificationComposer: Sendable {
    let job: Job
    let now: Int64

    public init(job: Job, now: Int64) {
        self.job = job
        self.now = now
    }

    public struct Composed: Sendable {
        public var items: [OutboxItem] = []
        /// Recipients that could not be used (e.g. a malformed contact in the snapshot).
        public var warnings: [String] = []
        /// Events that reached no one: a run with any exits 2.
        public var unnotified = 0
    }

    public func compose(events: [AlertEvent], penaltyActions: [PenaltyAction]) -> Composed {
        var out = Composed()
        let grouped = job.notify.group == .recipient ? DigestComposer(composer: self).compose(events) : nil
        let events = grouped?.perEvent ?? events
        // Each event's messages depend on that event alone: chunks of them are
        // composed on two threads (a first run renders hundreds), then joined in order.
        let chunk = Self.eventsPerChunk
        let parts = SharedWork.map(chunks: (events.count + chunk - 1) / chunk, helped: events.count >= 2 * chunk) { [self] c in
            var part = Composed()
            for event in events[(c * chunk)..<min((c + 1) * chunk, events.count)] { compose(event, into: &part) }
            return part
        }
        for part in parts {
            out.items += part.items
            out.warnings += part.warnings
            out.unnotified += part.unnotified
        }
        if let digests = grouped?.digests {
            out.items += digests.items
            out.warnings += digests.warnings
            out.unnotified += digests.unnotified
        }
        for action in penaltyActions {
            out.items.append(item(channel: .penaltyLog, alert: action.alert, company: action.company, kind: action.kind.rawValue,
                                  recipients: [job.penalties.log], subject: nil, payload: action.logLine))
            if job.penalties.webhook != nil {
                out.items.append(item(channel: .webhook, alert: action.alert, company: action.company, kind: action.kind.rawValue,
                                      recipients: [], subject: nil, payload: PenaltyWebhook.body(action)))
            }
        }
        return out
    }

    static let eventsPerChunk = 32

    /// The rendered subject, text and SMS of one event (also used by `klaxon test`).
    public func render(_ event: AlertEvent) -> (subject: String, text: String, html: String?, sms: String) {
        let template = job.templates.templates[event.alert.template] ?? job.templates.templates["alert"]
        let context = MessageContext.make(event, brand: job.brand, shown: job.shownTime)
        guard let template else { return (event.alert.title, event.alert.title, nil, event.alert.title) }
        var subject = template.subject.render(context, escapeHTML: false).trimming(.whitespacesAndNewlines)
        // A test must be recognisable as one whatever the job's own template says.
        if event.kind == .test, !subject.hasPrefix("[TEST]") { subject = "[TEST] " + subject }
        let text = template.text.render(context, escapeHTML: false)
        let html = template.html?.render(context, escapeHTML: true)
        var sms = (template.sms?.render(context, escapeHTML: false) ?? subject).trimming(.whitespacesAndNewlines)
        if event.kind == .test, !sms.hasPrefix("[TEST]") { sms = "[TEST] " + sms }
        return (subject, text, html, sms)
    }

    private func compose(_ event: AlertEvent, into out: inout Composed) {
        var emails: [String] = []
        var phones: [String] = []
        for recipient in event.alert.recipients {
            switch recipient {
            case .email(let a): emails.append(a)
            case .phone(let p): phones.append(p)
            case .webhook:
                break  // composeWebhooks, below
            case .contacts:
                for a in event.company.emails {
                    if MailAddress.isValidAddress(a) { emails.append(a) }
                    else { out.warnings.append("company \(event.company.id): contact e-mail \"\(HeaderSafety.strippingLineBreaks(a))\" is malformed; not used") }
                }
                for p in event.company.phones {
                    if PhoneNumber.isValid(p) { phones.append(p) }
                    else { out.warnings.append("company \(event.company.id): contact phone \"\(HeaderSafety.strippingLineBreaks(p))\" is malformed; not used") }
                }
            }
        }
        emails = unique(emails)
        phones = unique(phones)
        let itemsBefore = out.items.count
        defer {
            // A penalty-only alert (`to: []` with a penalty) is meant to notify no one.
            let penaltyOnly = event.alert.recipients.isEmpty && event.alert.penalty != nil
            if out.items.count == itemsBefore, event.kind != .test, !penaltyOnly {
                out.warnings.append(Self.notifiedNoOne(event))
                out.unnotified += 1
            }
        }
        let rendered = render(event)
        if !emails.isEmpty, let email = job.email {
            var mail = item(channel: .email, alert: event.alert.title, company: event.company.id, kind: event.kind.rawValue,
                            recipients: emails, subject: rendered.subject, payload: "", destination: event.destination)
            if let message = emailMessage(id: mail.id, settings: email, to: emails, rendered: rendered, test: event.kind == .test) {
                mail.payload = message.rendered()
                out.items.append(mail)
            }
        } else if !emails.isEmpty {
            out.warnings.append("alert \(event.alert.title): e-mail recipients but no `email` settings; not sent")
        }
        if job.sms != nil {
            for phone in phones {
                let body = SMSBody.json(to: phone, body: rendered.sms)
                out.items.append(item(channel: .sms, alert: event.alert.title, company: event.company.id, kind: event.kind.rawValue,
                                      recipients: [phone], subject: rendered.sms, payload: body, destination: event.destination))
            }
        }
        composeWebhooks(event, rendered: rendered, into: &out)
    }

    /// Said on stderr when an event reaches no one, so a firing is never silent.
    static func notifiedNoOne(_ event: AlertEvent) -> String {
        let why = event.alert.recipients.isEmpty ? "its `to` is empty"
            : event.alert.recipients == [.contacts]
            ? "its only recipient is \"contacts\" and the balance snapshot gives the company no usable e-mail or phone"
            : "none of its recipients could be used"
        let what = event.kind == .repeat ? "fired again" : event.kind.rawValue
        return "alert \"\(event.alert.title)\" \(what) for company \(event.company.id) but notified no one: \(why)"
    }

    /// The message for `to`; the `from` address was validated when the job was loaded.
    func emailMessage(id: String, settings: EmailSettings, to: [String], rendered: (subject: String, text: String, html: String?, sms: String), test: Bool) -> EmailMessage? {
        guard let from = MailAddress.parse(settings.from) else { return nil }
        let domain = String(from.address.split(separator: "@").last ?? "klaxon")
        var headers: [(name: String, value: String)] = [("X-Klaxon-Job", job.name)]
        if test { headers.append(("X-Klaxon-Test", "yes")) }
        return EmailMessage(from: from, to: to.compactMap { MailAddress(address: $0) }, subject: rendered.subject,
                            text: rendered.text, html: rendered.html, date: Date(timeIntervalSince1970: TimeInterval(now)),
                            messageID: "klaxon.\(id)@\(domain)", extraHeaders: headers)
    }

    func item(channel: OutboxItem.Channel, alert: String?, company: String?, kind: String, recipients: [String], subject: String?, payload: String,
              destination: String? = nil) -> OutboxItem {
        var identity = [job.name, alert ?? "", company ?? "", kind, String(now), channel.rawValue, recipients.joined(separator: ",")].joined(separator: "\u{1F}")
        // Two destinations of one alert and company fire in the same run: each is its own message.
        if let destination { identity += "\u{1F}" + destination }
        return OutboxItem(id: ContentDigest.of(Array(identity.utf8)), channel: channel, alert: alert, company: company, kind: kind,
                          recipients: recipients, subject: subject, payload: payload, createdAt: now, nextAttempt: now)
    }

    private func unique(_ list: [String]) -> [String] {
        var seen: Set<String> = []
        return list.filter { seen.insert($0.lowercased()).inserted }
    }
}

/// The SMS as written to `.sms.json` and handed to the SMS provider.
enum SMSBody {
    static func json(to: String, body: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(["to": to, "body": body])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// The JSON a penalty webhook receives for one apply, extend or lift.
enum PenaltyWebhook {
    static func body(_ action: PenaltyAction) -> String {
        let object: [String: String] = [
            "action": action.kind.rawValue, "company": action.company, "type": action.type.rawValue,
            "until": ValueFormatter.timestamp(action.until), "alert": action.alert, "at": ValueFormatter.timestamp(action.at),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(object)) ?? Data(), as: UTF8.self)
    }
}
