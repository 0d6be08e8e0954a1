import KlaxonEngine
/// Step 5 of a run: every alert for every company in its scope, in one pass
/// over the companies, with each window total computed once per company.
public struct Evaluator {
    let job: Job
    let now: Int64
    /// The operator's silences (`STATE/silences.json`); the job's maintenance windows come with the job.
    public var silences: [Silence] = []

    /// A company unseen for this long loses its instances (behaviour.md "Alerts and the state machine").
    static let forgetAfter: Int64 = 30 * 86_400

    public init(job: Job, now: Int64) {
        self.job = job
        self.now = now
    }

    public struct Result: Sendable {
        public var summaries: [AlertSummary]
        public var decisions: [InstanceDecision] = []
        /// Firings, repeats and (with `send_reset`) resets: what becomes notifications.
        public var events: [AlertEvent] = []
        public var penaltyActions: [PenaltyAction] = []
        /// Instances dropped because their alert or their company went away.
        public var dropped: [String] = []
    }

    /// `scriptObservations`: what script alerts decided, by alert title then company (behaviour.md "Alerts and the state machine").
    public func evaluate(_ state: inout KlaxonState, scriptObservations: [String: [String: ScriptVerdict]] = [:]) -> Result {
        var result = Result(summaries: job.alerts.map { AlertSummary(alert: $0.title) })
        result.penaltyActions = PenaltyBook.lift(&state.meta.penalties, now: now)
        forgetStale(&state, result: &result)

        let minute = job.windowEndMinute(now: now)
        let alerts = job.alerts
        // Each alert's window, worked out once instead of once per instance. Windows that end at
        // the window end are summed together below; a `yesterday` ends earlier and is summed alone.
        let bounds = alerts.map { alert in alert.window.map { $0.bounds(windowEnd: minute, zone: job.shownTime.zone) } }
        let windowStarts = bounds.map { b in b.flatMap { $0.to == minute ? Int32(clamping: $0.from) : nil } }
        let uncovered = alerts.map { state.uncoveredValue(of: $0, windowEnd: minute, zone: job.shownTime.zone) }
        // The keys sorted (each is its company's id), not the views: moving whole
        // companies about cost more than the sort.
        let companies = state.meta.companies.keys.sorted().compactMap { state.meta.companies[$0]?.currentView }
        result.decisions.reserveCapacity(companies.count * alerts.count / 2)
        // Which alerts apply to each company, and the window starts they watch.
        var applyingTo: [[Int]] = []
        var startsOf: [[Int32]] = []
        applyingTo.reserveCapacity(companies.count)
        startsOf.reserveCapacity(companies.count)
        for company in companies {
            var applying: [Int] = []
            var starts: [Int32] = []
            for index in alerts.indices where alerts[index].scope.includes(company) {
                applying.append(index)
                if let start = windowStarts[index], !starts.contains(start) { starts.append(start) }
            }
            applyingTo.append(applying)
            startsOf.append(starts)
        }
        let consequences = DecisionConsequences(gate: NoticeGate(now: now, interval: job.interval),
                                                silencer: Silencer(silences: silences, windows: job.maintenance, now: now), now: now)
        var notices = state.meta.notices ?? [:]
        let windowTotals = Self.windowTotals(of: companies, starts: startsOf, to: Int32(clamping: minute), in: state.buckets)
        let bucketAlerts = alerts.map { !$0.isEvaluatedApart && $0.isActive(windowEndMinute: minute) }
        for (position, company) in companies.enumerated() {
            let (applying, starts, totals) = (applyingTo[position], startsOf[position], windowTotals[position])
            for index in applying where bucketAlerts[index] {
                let alert = alerts[index]
                let window = windowStarts[index].flatMap { start in starts.firstIndex(of: start).map { totals[$0] } }
                    ?? bounds[index].map { state.window(of: company.id, bounds: $0) }
                let observation: Observation
                var message: String?
                if alert.area == .script {
                    if let verdict = scriptObservations[alert.title]?[company.id] {
                        observation = .measured(value: verdict.value, holds: verdict.fire, resets: !verdict.fire)
                        message = verdict.message
                    } else {
                        observation = .missing
                    }
                } else if let uncovered = uncovered[index] {
                    observation = StateMachine.observe(uncovered, alert: alert)
                } else {
                    // Only the consecutive-failures area reads the streak.
                    let failures = alert.area == .consecutiveFailures ? state.meta.failureStreaks[company.id] : nil
                    let value = MetricCalculator.value(of: alert.area, window: window ?? MinuteBucket(minute: 0), company: company,
                                                       failures: failures, minCalls: alert.minCalls)
                    observation = StateMachine.observe(value, alert: alert)
                }
                let key = AlertInstance.key(alert: alert.title, company: company.id)
                // Stepped in place: one hash of the key, not a read and a write.
                var level: AlertLevel?
                let (decision, instance) = alert.fraud.levels != nil
                    ? state.stepLevels(key: key, alert: alert, company: company.id, observation: observation, now: now, interval: job.interval, level: &level)
                    : Self.step(&state.meta.instances[key, default: AlertInstance(alert: alert.title, company: company.id)],
                                alert: alert, observation: observation, now: now, interval: job.interval)
                result.summaries[index].count(decision)
                if instance.status == .triggered { result.summaries[index].triggered += 1 }
                // `lastValue` is the last value measured, maybe runs ago: a decision made without one carries none.
                let measured = decision != .insufficientData && decision != .missing
                result.decisions.append(InstanceDecision(alert: alert.title, company: company.id, decision: decision,
                                                         value: measured ? instance.lastValue : nil, level: decision == .reset ? nil : level))

                consequences.apply(decision, key: key, alert: alert, company: company, instance: instance,
                                   notices: &notices, state: &state, result: &result) {
                    AlertEvent(alert: alert, company: company, kind: .fired, value: instance.lastValue, message: message,
                               window: window, penaltyUntil: nil, now: now, level: level)
                }
            }
        }
        CallLogEvaluator(job: job, now: now, companies: companies, consequences: consequences).evaluate(&state, notices: &notices, into: &result)
        state.meta.notices = Self.kept(notices, instances: state.meta.instances)
        return result
    }

    /// Every window each company's alerts watch, from one pass over its buckets
    /// (`CompanyBuckets.totals`). Decoding a day of buckets for 2,800 companies
    /// is most of evaluating, and each company's sums depend on its buckets
    /// alone: chunks of companies are summed on two threads.
    static func windowTotals(of companies: [Company], starts: [[Int32]], to: Int32,
                             in buckets: [String: CompanyBuckets]) -> [[MinuteBucket]] {
        let chunk = companiesPerChunk
        return SharedWork.map(chunks: (companies.count + chunk - 1) / chunk, helped: companies.count >= 2 * chunk) { c in
            (c * chunk..<min((c + 1) * chunk, companies.count)).map { i in
                starts[i].isEmpty ? [] : buckets[companies[i].id]?.totals(from: starts[i], to: to) ?? starts[i].map { MinuteBucket(minute: $0) }
            }
        }.flatMap { $0 }
    }

    static let companiesPerChunk = 256

    /// `StateMachine.step` on an instance held in place, with the instance as it is after.
    private static func step(_ instance: inout AlertInstance, alert: AlertDefinition, observation: Observation,
                             now: Int64, interval: TimeSpan) -> (Decision, AlertInstance) {
        let decision = StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: interval)
        return (decision, instance)
    }

    /// Drops instances of alerts no longer in the job, and companies (with their
    /// instances and buckets) unseen for 30 days.
    private func forgetStale(_ state: inout KlaxonState, result: inout Result) {
        let titles = Set(job.alerts.map(\.title))
        for (key, instance) in state.meta.instances where !titles.contains(instance.alert) {
            state.meta.instances[key] = nil
            result.dropped.append("\(instance.alert) / \(instance.company): the alert is no longer in the job")
        }
        // In place through `values`, with a bare index: writing by key while iterating
        // the dictionary (or its `indices`, which hold it) would copy all of it.
        var i = state.meta.companies.values.startIndex
        while i != state.meta.companies.values.endIndex {
            if state.meta.companies.values[i].inSnapshot { state.meta.companies.values[i].lastSeen = now }
            state.meta.companies.values.formIndex(after: &i)
        }
        var stale: [String] = []
        for (id, record) in state.meta.companies where !record.inSnapshot {
            let lastCall = state.buckets[id]?.lastMinute.map { Int64($0) * 60 } ?? .min
            if max(record.lastSeen, lastCall) < now - Self.forgetAfter { stale.append(id) }
        }
        for id in stale {
            state.meta.companies[id] = nil
            state.buckets[id] = nil
            state.meta.failureStreaks[id] = nil
            for (key, instance) in state.meta.instances where instance.company == id {
                state.meta.instances[key] = nil
                result.dropped.append("\(instance.alert) / \(id): the company has not been in the data for 30 days")
            }
        }
    }
}

/// A script's verdict for one company (behaviour.md "Alerts and the state machine").
public struct ScriptVerdict: Sendable, Equatable {
    public var fire: Bool
    public var value: Double?
    public var message: String?
}
