@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The evaluator as it was before it was made fast, kept as the plain
/// computation the fast one must agree with: companies sorted by `String`'s
/// `<` and read by key, every window of every instance summed on its own
/// (`total(from:to:)`), the gate asked about every instance, stale companies
/// looked for instance by instance.
struct ReferenceEvaluator {
    let job: Job
    let now: Int64
    var silences: [Silence] = []

    func evaluate(_ state: inout KlaxonState) -> Evaluator.Result {
        var result = Evaluator.Result(summaries: job.alerts.map { AlertSummary(alert: $0.title) })
        result.penaltyActions = PenaltyBook.lift(&state.meta.penalties, now: now)
        forgetStale(&state, result: &result)
        let minute = job.windowEndMinute(now: now)
        let zone = job.shownTime.zone
        let companies = state.meta.companies.keys.sorted().compactMap { state.meta.companies[$0]?.currentView }
        let consequences = DecisionConsequences(gate: NoticeGate(now: now, interval: job.interval),
                                                silencer: Silencer(silences: silences, windows: job.maintenance, now: now), now: now)
        var notices = state.meta.notices ?? [:]
        for company in companies {
            for alert in job.alerts where alert.scope.includes(company) && !alert.isEvaluatedApart && alert.isActive(windowEndMinute: minute) {
                let window = alert.window.map { state.window(of: company.id, bounds: $0.bounds(windowEnd: minute, zone: zone)) }
                let observation: Observation
                if let uncovered = state.uncoveredValue(of: alert, windowEnd: minute, zone: zone) {
                    observation = StateMachine.observe(uncovered, alert: alert)
                } else {
                    let failures = alert.area == .consecutiveFailures ? state.meta.failureStreaks[company.id] : nil
                    observation = StateMachine.observe(MetricCalculator.value(of: alert.area, window: window ?? MinuteBucket(minute: 0), company: company,
                                                                              failures: failures, minCalls: alert.minCalls), alert: alert)
                }
                let key = AlertInstance.key(alert: alert.title, company: company.id)
                var instance = state.meta.instances[key] ?? AlertInstance(alert: alert.title, company: company.id)
                let decision = StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: job.interval)
                state.meta.instances[key] = instance
                result.summaries[job.alerts.firstIndex { $0.title == alert.title }!].count(decision)
                if instance.status == .triggered { result.summaries[job.alerts.firstIndex { $0.title == alert.title }!].triggered += 1 }
                let measured = decision != .insufficientData && decision != .missing
                result.decisions.append(InstanceDecision(alert: alert.title, company: company.id, decision: decision,
                                                         value: measured ? instance.lastValue : nil, level: nil))
                consequences.apply(decision, key: key, alert: alert, company: company, instance: instance,
                                   notices: &notices, state: &state, result: &result) {
                    AlertEvent(alert: alert, company: company, kind: .fired, value: instance.lastValue, message: nil,
                               window: window, penaltyUntil: nil, now: now, level: nil)
                }
            }
        }
        CallLogEvaluator(job: job, now: now, companies: companies, consequences: consequences).evaluate(&state, notices: &notices, into: &result)
        state.meta.notices = Evaluator.kept(notices, instances: state.meta.instances)
        return result
    }

    private func forgetStale(_ state: inout KlaxonState, result: inout Evaluator.Result) {
        let titles = Set(job.alerts.map(\.title))
        for (key, instance) in state.meta.instances where !titles.contains(instance.alert) {
            state.meta.instances[key] = nil
            result.dropped.append("\(instance.alert) / \(instance.company): the alert is no longer in the job")
        }
        for id in Array(state.meta.companies.keys) where state.meta.companies[id]!.inSnapshot {
            state.meta.companies[id]!.lastSeen = now
        }
        for id in state.meta.companies.keys.sorted() where !state.meta.companies[id]!.inSnapshot {
            let lastCall = state.buckets[id]?.lastMinute.map { Int64($0) * 60 } ?? .min
            guard max(state.meta.companies[id]!.lastSeen, lastCall) < now - Evaluator.forgetAfter else { continue }
            state.meta.companies[id] = nil
            state.buckets[id] = nil
            state.meta.failureStreaks[id] = nil
            for key in state.meta.instances.keys.sorted() where state.meta.instances[key]!.company == id {
                let instance = state.meta.instances.removeValue(forKey: key)!
                result.dropped.append("\(instance.alert) / \(id): the company has not been in the data for 30 days")
            }
        }
    }
}

/// An event as the composer reads it, comparable.
struct EventFacts: Equatable {
    var alert: String, recipients: [Recipient], company: String, kind: NotificationKind, value: Double?
    var window: MinuteBucket?, penaltyUntil: Int64?, triggeredSince: Int64?, now: Int64

    init(_ e: AlertEvent) {
        alert = e.alert.title; recipients = e.alert.recipients; company = e.company.id; kind = e.kind; value = e.value
        window = e.window; penaltyUntil = e.penaltyUntil; triggeredSince = e.triggeredSince; now = e.now
    }
}
