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
        let companies = CompanyOrder.sorted(state.meta.companies)
        result.decisions.reserveCapacity(companies.count * alerts.count / 2)
        let bucketAlerts = alerts.map { !$0.isEvaluatedApart && $0.isActive(windowEndMinute: minute) }
        let plans = ScopePlans(companies: companies, alerts: alerts, evaluated: bucketAlerts, windowStarts: windowStarts)
        let consequences = DecisionConsequences(gate: NoticeGate(now: now, interval: job.interval),
                                                silencer: Silencer(silences: silences, windows: job.maintenance, now: now), now: now)
        var notices = state.meta.notices ?? [:]
        // Each instance's key is its alert's prefix and the company's id: one concatenation, not two.
        let prefixes = alerts.map { AlertInstance.key(alert: $0.title, company: "") }
        let width = plans.width
        for batch in stride(from: 0, to: companies.count, by: Self.companiesPerBatch) {
            let range = batch..<min(batch + Self.companiesPerBatch, companies.count)
            let windowTotals = Self.windowTotals(of: companies, range, plans: plans, to: Int32(clamping: minute), in: state.buckets)
            for position in range {
                let plan = plans.plans[Int(plans.planOf[position])]
                for (k, index) in plan.applying.enumerated() {
                    // Passed straight from the arrays: bound to a local, each alert and company was
                    // copied (a dozen retains) twice per instance.
                    evaluate(alerts[index], index: index, company: companies[position], key: prefixes[index] + companies[position].id,
                             window: plan.slots[k].map { windowTotals[(position - batch) * width + $0] },
                             bounds: bounds[index], uncovered: uncovered[index], scripts: scriptObservations,
                             consequences: consequences, notices: &notices, state: &state, result: &result)
                }
            }
        }
        CallLogEvaluator(job: job, now: now, companies: companies, consequences: consequences).evaluate(&state, notices: &notices, into: &result)
        state.meta.notices = Self.kept(notices, instances: state.meta.instances)
        return result
    }

    /// `StateMachine.step` on an instance held in place, with the instance as it is after.
    static func step(_ instance: inout AlertInstance, alert: AlertDefinition, observation: Observation,
                     now: Int64, interval: TimeSpan) -> (Decision, AlertInstance) {
        let decision = StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: interval)
        return (decision, instance)
    }

    /// Whether every instance's alert is one of `titles`. Instances share their
    /// title's storage (the state's load reads it once per alert), so the titles
    /// already met answer with a pointer comparison: hashing the title in a `Set`
    /// for each of 900,000 instances was a measurable part of evaluating.
    private static func allInJob(_ instances: [String: AlertInstance], titles: [String]) -> Bool {
        var met: [String] = []
        next: for instance in instances.values {
            for title in met where title == instance.alert { continue next }
            guard titles.contains(instance.alert) else { return false }
            met.append(instance.alert)
        }
        return true
    }

    /// Drops instances of alerts no longer in the job, and companies (with their
    /// instances and buckets) unseen for 30 days.
    private func forgetStale(_ state: inout KlaxonState, result: inout Result) {
        if !Self.allInJob(state.meta.instances, titles: job.alerts.map(\.title)) {
            let titles = Set(job.alerts.map(\.title))
            for (key, instance) in state.meta.instances where !titles.contains(instance.alert) {
                state.meta.instances[key] = nil
                result.dropped.append("\(instance.alert) / \(instance.company): the alert is no longer in the job")
            }
        }
        // In place through `values`, with a bare index: writing by key while iterating
        // the dictionary (or its `indices`, which hold it) would copy all of it, and
        // iterating the pairs copied every record (a dozen retains each).
        var stale: [String] = []
        var i = state.meta.companies.values.startIndex
        while i != state.meta.companies.values.endIndex {
            if state.meta.companies.values[i].inSnapshot {
                state.meta.companies.values[i].lastSeen = now
            } else {
                let id = state.meta.companies.keys[i]
                let lastCall = state.buckets[id]?.lastMinute.map { Int64($0) * 60 } ?? .min
                if max(state.meta.companies.values[i].lastSeen, lastCall) < now - Self.forgetAfter { stale.append(id) }
            }
            state.meta.companies.values.formIndex(after: &i)
        }
        guard !stale.isEmpty else { return }
        stale.sort()
        for id in stale {
            state.meta.companies[id] = nil
            state.buckets[id] = nil
            state.meta.failureStreaks[id] = nil
        }
        // One pass over the instances for all of them (one per company was companies × instances).
        let gone = Set(stale)
        let dropped = state.meta.instances.filter { gone.contains($0.value.company) }
            .sorted { ($0.value.company, $0.key) < ($1.value.company, $1.key) }
        for (key, instance) in dropped {
            state.meta.instances[key] = nil
            result.dropped.append("\(instance.alert) / \(instance.company): the company has not been in the data for 30 days")
        }
    }
}

/// A script's verdict for one company (behaviour.md "Alerts and the state machine").
public struct ScriptVerdict: Sendable, Equatable {
    public var fire: Bool
    public var value: Double?
    public var message: String?
}
