/// What a dry run shows of each message it would send: recipients, subject and text.
enum DryRunPreview {
    static func texts(events: [AlertEvent], job: Job, now: Int64) -> [String] {
        let composer = NotificationComposer(job: job, now: now)
        if job.notify.group == .recipient {
            let split = DigestComposer(composer: composer).compose(events)
            return perEvent(split.perEvent, composer: composer, job: job) + split.previews
        }
        return perEvent(events, composer: composer, job: job)
    }

    private static func perEvent(_ events: [AlertEvent], composer: NotificationComposer, job: Job) -> [String] {
        events.map { event in
            let rendered = composer.render(event)
            let to = event.alert.recipients.map { r -> String in
                r == .contacts ? (event.company.emails + event.company.phones).joined(separator: ", ") : r.text
            }.joined(separator: ", ")
            let rule = String(repeating: "-", count: 60)
            let hooks = WebhookPreview.texts(event, rendered: rendered, job: job).map { "\n\n" + $0 }.joined()
            return "\(rule)\n\(event.kind.rawValue.uppercased()) \(event.alert.title) / \(event.company.id) → \(to)\nSubject: \(rendered.subject)\nSMS: \(rendered.sms)\n\n\(rendered.text)\(hooks)"
        }
    }
}
