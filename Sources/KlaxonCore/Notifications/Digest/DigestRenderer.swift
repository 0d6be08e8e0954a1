/// Renders one digest: the events of one run for one address, already in
/// ``DigestOrder``, through the job's `digest` template.
public struct DigestRenderer: Sendable {
    public struct Rendered: Sendable, Equatable {
        public var subject: String
        public var text: String
        public var html: String?
        public var sms: String
        /// Events the SMS left out to stay within `sms.max_segments` (its "+N more").
        public var smsLeftOut: Int
    }

    let template: MessageTemplate?
    let brand: String
    let now: Int64
    let maxSegments: Int
    let composer: NotificationComposer
    /// The job's `timezone`: how `now` and each event's times are shown.
    let shown: ShownTime

    public init(job: Job, now: Int64) {
        composer = NotificationComposer(job: job, now: now)
        shown = job.shownTime
        template = job.templates.templates[DigestTemplates.name]
        brand = job.brand
        self.now = now
        maxSegments = job.sms?.maxSegments ?? SMSSegments.defaultMaxSegments
    }

    /// `company` is set for a company contact's digest: the company it is about.
    /// `contexts`, when given, are the events' ``eventContext(_:)``s, made once for all the digests of a run.
    public func render(_ events: [AlertEvent], contexts given: [TemplateValue]? = nil, company: Company? = nil, recipient: String = "") -> Rendered {
        let contexts = given ?? events.map(eventContext)
        let top = Self.topLevel(events, company: company, recipient: recipient, brand: brand, now: shown.timestamp(now))
        func context(showing shown: Int) -> TemplateValue {
            var values = top
            values["events"] = .list(Array(contexts.prefix(shown)))
            return .object(values)
        }
        let summary = Self.summary(events)
        guard let template else { return Rendered(subject: summary, text: summary, html: nil, sms: summary, smsLeftOut: 0) }
        let all = context(showing: events.count)
        let subject = template.subject.render(all, escapeHTML: false).trimming(.whitespacesAndNewlines)
        let text = template.text.render(all, escapeHTML: false)
        let html = template.html?.render(all, escapeHTML: true)
        func sms(_ shown: Int) -> String {
            (template.sms?.render(context(showing: shown), escapeHTML: false) ?? subject).trimming(.whitespacesAndNewlines)
        }
        let (body, leftOut) = Self.fit(count: events.count, maxSegments: maxSegments, render: sms)
        return Rendered(subject: subject, text: text, html: html, sms: body, smsLeftOut: leftOut)
    }

    /// The SMS with as many events as fit in `maxSegments`, then "+N more" for the rest.
    /// `render(k)` is the SMS listing the first k events; longer lists never render shorter.
    static func fit(count: Int, maxSegments: Int, render: (Int) -> String) -> (String, Int) {
        let whole = render(count)
        if SMSSegments.fits(whole, within: maxSegments) { return (whole, 0) }
        func cut(_ shown: Int) -> String { render(shown) + "\n+\(count - shown) more" }
        var low = 0
        var high = count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if SMSSegments.fits(cut(mid), within: maxSegments) { low = mid } else { high = mid - 1 }
        }
        if SMSSegments.fits(cut(low), within: maxSegments) { return (cut(low), count - low) }
        // Even the summary alone is too long (a long brand or template): cut its text instead.
        return (SMSSegments.truncate(render(0), suffix: "\n+\(count) more", within: maxSegments), count)
    }

    /// The variables of a per-event message, plus that message's own `subject` and `sms` as the
    /// alert's template words them, so a digest can keep the wording of each alert's template.
    func eventContext(_ event: AlertEvent) -> TemplateValue {
        let context = MessageContext.make(event, brand: brand, shown: shown)
        guard case .object(var values) = context else { return context }
        let own = composer.render(event)
        values["subject"] = .string(own.subject)
        values["sms"] = .string(own.sms)
        return .object(values)
    }

    /// "3 alerts firing, 1 resolved": repeats and escalations count as firing, resets as resolved.
    public static func summary(_ events: [AlertEvent]) -> String {
        let firing = events.filter { Self.firing.contains($0.kind) }.count
        let resolved = events.filter { $0.kind == .reset }.count
        func alerts(_ n: Int) -> String { n == 1 ? "1 alert" : "\(n) alerts" }
        switch (firing, resolved) {
        case (0, 0): return "no alerts"
        case (_, 0): return "\(alerts(firing)) firing"
        case (0, _): return "\(alerts(resolved)) resolved"
        default: return "\(alerts(firing)) firing, \(resolved) resolved"
        }
    }

    static let firing: Set<NotificationKind> = [.fired, .repeat, .escalated]

    static func topLevel(_ events: [AlertEvent], company: Company?, recipient: String, brand: String, now: String) -> [String: TemplateValue] {
        func count(_ kinds: Set<NotificationKind>) -> TemplateValue { .string(String(events.filter { kinds.contains($0.kind) }.count)) }
        var values: [String: TemplateValue] = [
            "count": .string(String(events.count)),
            "fired_count": count([.fired]),
            "repeat_count": count([.repeat]),
            "escalated_count": count([.escalated]),
            "firing_count": count(firing),
            "reset_count": count([.reset]),
            "summary": .string(summary(events)),
            "recipient": .string(recipient),
            "brandName": .string(brand),
            "now": .string(now),
        ]
        if let company {
            values["name"] = .string(company.name)
            values["company"] = .object([
                "id": .string(company.id), "name": .string(company.name),
                "type": .string(company.type.rawValue), "currency": .string(company.currency),
            ])
        }
        return values
    }
}
