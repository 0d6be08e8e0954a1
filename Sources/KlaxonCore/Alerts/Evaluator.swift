/// Step 5 of a run: every alert for every company in its scope, in one pass
/// over the companies, with each window total computed once per company.
public struct Evaluator {
    let job: Job
    let now: Int64

    /// A company unseen for this long loses its instances (SPEC §6).
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

    /// `scriptObservations`: what script alerts decided, by alert title then company (SPEC §9).
    public func evaluate(_ state: inout KlaxonState, scriptObservations: [String: [String: ScriptVerdict]] = [:]) -> Result {
        var result = Result(summaries: job.alerts.map { AlertSummary(alert: $0.title) })
        result.penaltyActions = PenaltyBook.lift(&state.meta.penalties, now: now)
        forgetStale(&state, result: &result)

        let minute = floorDiv(now, 60)
        let companies = state.meta.companies.values.map(\.currentView).sorted { $0.id < $1.id }
        for company in companies {
            var windows: [Int64: MinuteBucket] = [:]
            for (index, alert) in job.alerts.enumerated() where alert.scope.includes(company) {
                var window: MinuteBucket?
                if let period = alert.samplePeriod {
                    if let cached = windows[period.seconds] {
                        window = cached
                    } else {
                        let from = Int32(clamping: minute - period.seconds / 60)
                        let total = state.buckets[company.id]?.total(from: from, to: Int32(clamping: minute)) ?? MinuteBucket(minute: from)
                        windows[period.seconds] = total
                        window = total
                    }
                }
                let observation: Observation
                var message: String?
                if alert.area == .script {
                    if let verdict = scriptObservations[alert.title]?[company.id] {
                        observation = .measured(value: verdict.value, holds: verdict.fire, resets: !verdict.fire)
                        message = verdict.message
                    } else {
                        observation = .missing
                    }
                } else {
                    let value = MetricCalculator.value(of: alert.area, window: window ?? MinuteBucket(minute: 0), company: company,
                                                       failures: state.meta.failureStreaks[company.id], minCalls: alert.minCalls)
                    observation = StateMachine.observe(value, alert: alert)
                }
                let key = AlertInstance.key(alert: alert.title, company: company.id)
                var instance = state.meta.instances[key] ?? AlertInstance(alert: alert.title, company: company.id)
                let decision = StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: job.interval)
                state.meta.instances[key] = instance
                result.summaries[index].count(decision)
                if instance.status == .triggered { result.summaries[index].triggered += 1 }
                result.decisions.append(InstanceDecision(alert: alert.title, company: company.id, decision: decision, value: instance.lastValue))

                let kind: NotificationKind?
                switch decision {
                case .fired: kind = .fired
                case .repeated: kind = .repeat
                case .reset: kind = alert.sendReset ? .reset : nil
                default: kind = nil
                }
                var penaltyUntil: Int64?
                if decision == .fired || decision == .repeated, let duration = alert.penalty {
                    if let action = PenaltyBook.apply(&state.meta.penalties, company: company, alert: alert, duration: duration, now: now) {
                        result.penaltyActions.append(action)
                    }
                    penaltyUntil = state.meta.penalties[company.id]?.until
                }
                if let kind {
                    result.events.append(AlertEvent(alert: alert, company: company, kind: kind, value: instance.lastValue,
                                                    message: message, window: window, penaltyUntil: penaltyUntil, now: now))
                }
            }
        }
        return result
    }

    /// Drops instances of alerts no longer in the job, and companies (with their
    /// instances and buckets) unseen for 30 days.
    private func forgetStale(_ state: inout KlaxonState, result: inout Result) {
        let titles = Set(job.alerts.map(\.title))
        for (key, instance) in state.meta.instances where !titles.contains(instance.alert) {
            state.meta.instances[key] = nil
            result.dropped.append("\(instance.alert) / \(instance.company): the alert is no longer in the job")
        }
        for (id, record) in state.meta.companies {
            if record.inSnapshot {
                state.meta.companies[id]?.lastSeen = now
                continue
            }
            let lastCall = state.buckets[id]?.lastMinute.map { Int64($0) * 60 } ?? .min
            guard max(record.lastSeen, lastCall) < now - Self.forgetAfter else { continue }
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

/// A script's verdict for one company (SPEC §9).
public struct ScriptVerdict: Sendable, Equatable {
    public var fire: Bool
    public var value: Double?
    public var message: String?
}
