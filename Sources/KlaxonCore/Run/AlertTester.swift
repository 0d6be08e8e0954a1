import Foundation

/// `klaxon test`: ConnexCS's "Test" button. Evaluates one alert for one company
/// against the committed state, without ingesting or changing anything.
public struct AlertTester {
    let job: Job
    let now: Int64

    public init(job: Job, now: Int64) {
        self.job = job
        self.now = now
    }

    public struct Outcome: Sendable {
        public var value: MetricValue
        public var formattedValue: String
        /// What a real run would decide now, from the instance's current state.
        public var decision: Decision
        public var instanceStatus: AlertInstance.Status
        public var subject: String
        public var text: String
        public var html: String?
        public var sms: String
        /// The complete message a `--send` would carry, when the alert mails someone.
        public var email: OutboxItem?
        public var smsItems: [OutboxItem]
    }

    /// `--send`: delivers the test messages now, outside the outbox (a test is never retried).
    /// Returns one line per message: what was sent to whom, or why it failed.
    public static func send(_ outcome: Outcome, through sink: any DeliverySink) -> (lines: [String], failed: Bool) {
        var lines: [String] = []
        var failed = false
        for item in [outcome.email].compactMap({ $0 }) + outcome.smsItems {
            do {
                try sink.deliver(item)
                lines.append("sent \(item.channel.rawValue) to \(item.recipients.joined(separator: ", "))")
            } catch {
                failed = true
                lines.append("FAILED \(item.channel.rawValue) to \(item.recipients.joined(separator: ", ")): \(error.description)")
            }
        }
        if lines.isEmpty { lines.append("nothing to send: the alert has no recipients for this company") }
        return (lines, failed)
    }

    public func test(alert title: String, company id: String) throws(KlaxonError) -> Outcome {
        guard let alert = job.alerts.first(where: { $0.title == title }) else {
            throw KlaxonError(.invalidJob, "no alert titled \"\(title)\" in \(job.file); alerts: \(job.alerts.map(\.title).joined(separator: ", "))")
        }
        var state = try StateStore(job: job).load()
        guard let company = state.meta.companies[id]?.currentView else {
            throw KlaxonError(.invalidJob, "company \"\(id)\" is not known to job \(job.name) (not in the balance snapshot nor in any CDR)")
        }
        guard alert.scope.includes(company) else {
            throw KlaxonError(.invalidJob, "company \"\(id)\" is not in the scope of alert \"\(title)\"")
        }
        var window: MinuteBucket?
        if let period = alert.samplePeriod {
            let minute = floorDiv(now, 60)
            let from = Int32(clamping: minute - period.seconds / 60)
            window = state.buckets[id]?.total(from: from, to: Int32(clamping: minute)) ?? MinuteBucket(minute: from)
        }
        let value = MetricCalculator.value(of: alert.area, window: window ?? MinuteBucket(minute: 0), company: company,
                                           failures: state.meta.failureStreaks[id], minCalls: alert.minCalls)
        let key = AlertInstance.key(alert: title, company: id)
        var instance = state.meta.instances[key] ?? AlertInstance(alert: title, company: id)
        let status = instance.status
        let decision = StateMachine.step(&instance, alert: alert, observation: StateMachine.observe(value, alert: alert), now: now, interval: job.interval)
        state.meta.instances[key] = nil

        var shown: Double?
        if case .value(let v) = value { shown = v }
        let event = AlertEvent(alert: alert, company: company, kind: .test, value: shown, message: nil, window: window,
                               penaltyUntil: alert.penalty.map { now + $0.seconds }, now: now)
        let composer = NotificationComposer(job: job, now: now)
        let rendered = composer.render(event)
        let items = composer.compose(events: [event], penaltyActions: []).items
        let formatted: String
        switch value {
        case .value(let v): formatted = ValueFormatter.format(v, area: alert.area, currency: company.currency)
        case .insufficientData(let have, let need): formatted = "insufficient data (\(have) of \(need) calls)"
        case .missing: formatted = "no value (company not in the balance snapshot)"
        }
        return Outcome(value: value, formattedValue: formatted, decision: decision, instanceStatus: status,
                       subject: rendered.subject, text: rendered.text, html: rendered.html, sms: rendered.sms,
                       email: items.first { $0.channel == .email }, smsItems: items.filter { $0.channel == .sms })
    }
}
