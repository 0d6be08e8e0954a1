import Foundation
import KlaxonEngine

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
        /// One per `webhook:NAME` recipient, sent by `--send` like the e-mail and the SMS.
        public var webhookItems: [OutboxItem] = []
    }

    /// `--send`: delivers the test messages now, outside the outbox (a test is never retried).
    /// Returns one line per message: what was sent to whom, or why it failed.
    public static func send(_ outcome: Outcome, through sink: any DeliverySink) -> (lines: [String], failed: Bool) {
        var lines: [String] = []
        var failed = false
        for item in [outcome.email].compactMap({ $0 }) + outcome.smsItems + outcome.webhookItems {
            do {
                try sink.deliver(item)
                lines.append("sent \(item.channel.rawValue) to \(item.recipients.joined(separator: ", "))")
            } catch {
                failed = true
                lines.append("FAILED \(item.channel.rawValue) to \(item.recipients.joined(separator: ", ")): \(error.description)")
            }
        }
        // `--send` that sends nothing is a failure: the operator asked for a message.
        if lines.isEmpty { return (["nothing sent: the alert has no recipient this job can reach for this company"], true) }
        return (lines, failed)
    }

    /// `recipients`, when given (`--to`), replace the alert's own: a test can be sent to
    /// the operator instead of the company's real contacts.
    public func test(alert title: String, company id: String, to recipients: [Recipient]? = nil) throws(KlaxonError) -> Outcome {
        guard var alert = job.alerts.first(where: { $0.title == title }) else {
            throw KlaxonError(.invalidJob, "no alert titled \"\(title)\" in \(job.file); alerts: \(job.alerts.map(\.title).joined(separator: ", "))")
        }
        for recipient in recipients ?? [] {
            if case .email(let address) = recipient, job.email == nil {
                throw KlaxonError(.invalidJob, "--to: \(address) is an e-mail address, but \(job.file) has no `email` settings to send it with")
            }
            if case .webhook(let name) = recipient, job.webhooks[name] == nil {
                throw KlaxonError(.invalidJob, "--to: webhook:\(name) names no webhook of \(job.file); webhooks: \(job.webhooks.keys.sorted().joined(separator: ", "))")
            }
            if case .phone(let number) = recipient, job.sms == nil {
                throw KlaxonError(.invalidJob, "--to: \(number) is a phone number, but \(job.file) has no `sms` settings to send it with")
            }
        }
        if alert.isEvaluatedApart {
            throw KlaxonError(.invalidJob, "alert \"\(title)\" is measured per destination, call by call or against a baseline, which `klaxon test` does not measure; use `klaxon run --dry-run` or `klaxon replay`")
        }
        var state = try StateStore(job: job).load()
        guard let record = state.meta.companies[id] else {
            throw KlaxonError(.invalidJob, "company \"\(id)\" is not known to job \(job.name) (not in the balance snapshot nor in any CDR)")
        }
        let company = record.currentView
        guard alert.scope.includes(company) else {
            throw KlaxonError(.invalidJob, "company \"\(id)\" is not in the scope of alert \"\(title)\"")
        }
        var window: MinuteBucket?
        if let period = alert.window {
            window = state.window(of: id, bounds: job.bounds(of: period, now: now))
        }
        // Decided as a run decides: a script alert runs its script (on the committed state).
        let observed = alert.area == .script
            ? scriptObservation(alert, company: id, state: state)
            : measure(alert, window: window, company: company, inSnapshot: record.inSnapshot, state: state)
        let key = AlertInstance.key(alert: title, company: id)
        var instance = state.meta.instances[key] ?? AlertInstance(alert: title, company: id)
        let status = instance.status
        let decision = StateMachine.step(&instance, alert: alert, observation: observed.observation, now: now, interval: job.interval)
        state.meta.instances[key] = nil

        var shown: Double?
        if case .measured(let v, _, _) = observed.observation { shown = v }
        if let recipients { alert.recipients = recipients }
        var event = AlertEvent(alert: alert, company: company, kind: .test, value: shown, message: observed.message, window: window,
                               penaltyUntil: alert.penalty.map { now + $0.seconds }, now: now)
        event.valueText = observed.standIn
        let composer = NotificationComposer(job: job, now: now)
        let rendered = composer.render(event)
        let items = composer.compose(events: [event], penaltyActions: []).items
        var outcome = Outcome(value: observed.value, formattedValue: observed.formatted, decision: decision, instanceStatus: status,
                              subject: rendered.subject, text: rendered.text, html: rendered.html, sms: rendered.sms,
                              email: items.first { $0.channel == .email }, smsItems: items.filter { $0.channel == .sms })
        outcome.webhookItems = items.filter { TransportSink.webhookName(of: $0) != nil }
        return outcome
    }

    /// What a run would observe, the value as shown, and (script alerts) the script's message.
    struct Observed {
        var observation: Observation
        var value: MetricValue
        var formatted: String
        var message: String?
        /// What `{{value}}` says when there is no value; nil leaves it empty, as a run would
        /// (a script's verdict without a value).
        var standIn: String?
    }

    private func measure(_ alert: AlertDefinition, window: MinuteBucket?, company: Company, inSnapshot: Bool, state: KlaxonState) -> Observed {
        var value = MetricCalculator.value(of: alert.area, window: window ?? MinuteBucket(minute: 0), company: company,
                                           failures: state.meta.failureStreaks[company.id], minCalls: alert.minCalls)
        if let uncovered = state.uncoveredValue(of: alert, windowEnd: job.windowEndMinute(now: now), zone: job.shownTime.zone) { value = uncovered }
        let formatted: String
        switch value {
        case .value(let v): formatted = ValueFormatter.format(v, area: alert.area, currency: company.currency)
        case .insufficientData(let have, let need, let sample): formatted = "insufficient data (\(have) of \(need) \(sample.rawValue))"
        case .missing:
            formatted = inSnapshot
                ? "no value (the balance snapshot gives no credit for this company)"
                : "no value (the company is not in the current balance snapshot; it is known from CDRs only)"
        case .uncoveredWindow(let coverage): formatted = "insufficient data (the state's history covers \(coverage.description(shown: job.shownTime)))"
        }
        var standIn: String?
        if case .value = value {} else { standIn = formatted }
        return Observed(observation: StateMachine.observe(value, alert: alert), value: value, formatted: formatted, standIn: standIn)
    }

    private func scriptObservation(_ alert: AlertDefinition, company id: String, state: KlaxonState) -> Observed {
        switch ScriptAlerts(job: job, now: now).run(alert, state: state) {
        case .failure(let failed):
            let formatted = "no value (the script failed: \(failed.message))"
            return Observed(observation: .missing, value: .missing, formatted: formatted, standIn: formatted)
        case .success(let parsed):
            guard let verdict = parsed.verdicts[id] else {
                let formatted = "no value (the script gave no verdict for this company: it left it out of its output)"
                return Observed(observation: .missing, value: .missing, formatted: formatted, standIn: formatted)
            }
            let value = verdict.value.map { MetricValue.value($0) } ?? .missing
            let shown = verdict.value.map { ValueFormatter.format($0, area: alert.area, currency: state.meta.companies[id]?.currentView.currency ?? "") }
            return Observed(observation: .measured(value: verdict.value, holds: verdict.fire, resets: !verdict.fire), value: value,
                            formatted: (shown ?? "no value") + " (the script says fire: \(verdict.fire))", message: verdict.message)
        }
    }

    /// The recipients of `--to`: e-mail addresses and E.164 phone numbers, comma-separated.
    public static func recipients(_ text: String) throws(KlaxonError) -> [Recipient] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw KlaxonError(.invalidJob, "--to: no recipient; write e-mail addresses and/or +E.164 numbers, comma-separated") }
        var recipients: [Recipient] = []
        for part in parts {
            if part.hasPrefix(WebhookParser.recipientPrefix) {
                recipients.append(.webhook(String(part.dropFirst(WebhookParser.recipientPrefix.count))))
            } else if part.hasPrefix("+") {
                guard PhoneNumber.isValid(part) else { throw KlaxonError(.invalidJob, "--to: malformed phone number \"\(part)\"; write E.164: + and 8 to 15 digits") }
                recipients.append(.phone(part))
            } else {
                guard MailAddress.isValidAddress(part) else { throw KlaxonError(.invalidJob, "--to: malformed address \"\(part)\"; write name@example.com or +15550100") }
                recipients.append(.email(part))
            }
        }
        return recipients
    }
}
