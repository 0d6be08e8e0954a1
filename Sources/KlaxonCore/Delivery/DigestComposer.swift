/// Composes the digests of a run whose job groups notifications by recipient
/// (behaviour.md "Grouped notifications"): each e-mail address gets one message and each phone number one
/// SMS, holding every event of the run for it, most severe first.
///
/// Like every other item, a digest is fixed into the outbox at commit time: a
/// retry on a later run resends the same bytes with the same Message-ID, and the
/// later run's own events go into digests of their own.
struct DigestComposer {
    let composer: NotificationComposer

    struct Split {
        /// What still goes out per event: tests, and the other recipients of an alert (webhooks).
        var perEvent: [AlertEvent] = []
        var digests = NotificationComposer.Composed()
        /// What `--dry-run` shows of each digest: recipient, subject or SMS, and text.
        var previews: [String] = []
    }

    func compose(_ events: [AlertEvent]) -> Split {
        var split = Split()
        var grouped: [AlertEvent] = []
        for event in events {
            // `klaxon test` shows and sends one alert's own message; an empty `to` is said as before.
            if event.kind == .test || event.alert.recipients.isEmpty {
                split.perEvent.append(event)
                continue
            }
            var others = event
            others.alert.recipients = event.alert.recipients.filter { !DigestGroups.isPersonal($0) }
            if !others.alert.recipients.isEmpty { split.perEvent.append(others) }
            if DigestGroups.hasPersonalRecipients(event.alert) { grouped.append(event) }
        }
        let sorted = DigestOrder.sorted(grouped)
        let job = composer.job
        let groups = DigestGroups(sorted, hasEmail: job.email != nil, hasSMS: job.sms != nil)
        split.digests.warnings = groups.warnings
        for index in groups.unreached {
            split.digests.warnings.append(NotificationComposer.notifiedNoOne(sorted[index]))
            split.digests.unnotified += 1
        }
        let renderer = DigestRenderer(job: job, now: composer.now)
        // Each event's variables (with its own template's subject and SMS) are made once, on two
        // threads as per-event messages are, however many digests list the event.
        let chunk = NotificationComposer.eventsPerChunk
        let contexts = SharedWork.map(chunks: (sorted.count + chunk - 1) / chunk, helped: sorted.count >= 2 * chunk) { c in
            sorted[(c * chunk)..<min((c + 1) * chunk, sorted.count)].map(renderer.eventContext)
        }.flatMap { $0 }
        for group in groups.groups {
            // Indices were added in event order, so the group keeps the digest order.
            let events = group.events.map { sorted[$0] }
            let company = group.company.flatMap { id in events.first { $0.company.id == id }?.company }
            let rendered = renderer.render(events, contexts: group.events.map { contexts[$0] }, company: company, recipient: group.address)
            guard let item = item(group, events: events, rendered: rendered) else { continue }
            split.digests.items.append(item)
            split.previews.append(Self.preview(group, events: events, rendered: rendered))
        }
        return split
    }

    private func item(_ group: DigestGroups.Group, events: [AlertEvent], rendered: DigestRenderer.Rendered) -> OutboxItem? {
        // The report and `klaxon status` show the subject on one line; an SMS digest's lines are joined.
        let subject = group.channel == .email ? rendered.subject : rendered.sms.split(separator: "\n").joined(separator: " / ")
        var item = composer.item(channel: group.channel, alert: nil, company: group.company, kind: Self.kind,
                                 recipients: [group.address], subject: subject, payload: "")
        item.digest = OutboxItem.Digest(events: events.count, companies: Array(Set(events.map(\.company.id))).sorted(),
                                        smsLeftOut: group.channel == .sms ? rendered.smsLeftOut : 0)
        switch group.channel {
        case .email:
            guard let settings = composer.job.email,
                  let message = composer.emailMessage(id: item.id, settings: settings, to: [group.address],
                                                      rendered: (rendered.subject, rendered.text, rendered.html, rendered.sms), test: false)
            else { return nil }
            item.payload = message.rendered()
        default:
            item.payload = SMSBody.json(to: group.address, body: rendered.sms)
        }
        return item
    }

    static func preview(_ group: DigestGroups.Group, events: [AlertEvent], rendered: DigestRenderer.Rendered) -> String {
        let rule = String(repeating: "-", count: 60)
        let about = group.company.map { " (contact of \($0))" } ?? ""
        let head = "\(rule)\nDIGEST \(group.channel.rawValue) → \(group.address)\(about): \(events.count) event\(events.count == 1 ? "" : "s")"
        switch group.channel {
        case .email: return "\(head)\nSubject: \(rendered.subject)\n\n\(rendered.text)"
        default: return "\(head)\nSMS (\(SMSSegments.count(rendered.sms)) segment(s)): \(rendered.sms)"
        }
    }

    /// The `kind` of a digest item in the outbox, the run report and `klaxon status`.
    static let kind = "digest"
}
