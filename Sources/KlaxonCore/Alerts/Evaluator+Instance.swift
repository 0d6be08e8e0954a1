import KlaxonEngine
extension Evaluator {
    /// One instance: its observation, its step, its counts, and what it leads to
    /// unless it rests. `window` is its sum from the batch; nil for an alert without
    /// a window, or with one that ends before the window end (summed here from `bounds`).
    func evaluate(_ alert: AlertDefinition, index: Int, company: Company, key: String, window summed: MinuteBucket?,
                  bounds: (from: Int64, to: Int64)?, uncovered: MetricValue?, scripts: [String: [String: ScriptVerdict]],
                  consequences: DecisionConsequences, notices: inout [String: InstanceNotice],
                  state: inout KlaxonState, result: inout Result) {
        let window = summed ?? bounds.map { state.window(of: company.id, bounds: $0) }
        let observation: Observation
        var message: String?
        if alert.area == .script {
            if let verdict = scripts[alert.title]?[company.id] {
                observation = .measured(value: verdict.value, holds: verdict.fire, resets: !verdict.fire)
                message = verdict.message
            } else {
                observation = .missing
            }
        } else if let uncovered {
            observation = StateMachine.observe(uncovered, alert: alert)
        } else {
            // Only the consecutive-failures area reads the streak.
            let failures = alert.area == .consecutiveFailures ? state.meta.failureStreaks[company.id] : nil
            let value = MetricCalculator.value(of: alert.area, window: window ?? MinuteBucket(minute: 0), company: company,
                                               failures: failures, minCalls: alert.minCalls)
            observation = StateMachine.observe(value, alert: alert)
        }
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
        // Most instances rest: nothing to notify, no record to keep; the gate need not hear of them.
        guard !consequences.isQuiet(decision, alert: alert, key: key, notices: notices) else { return }
        consequences.apply(decision, key: key, alert: alert, company: company, instance: instance,
                           notices: &notices, state: &state, result: &result) {
            AlertEvent(alert: alert, company: company, kind: .fired, value: instance.lastValue, message: message,
                       window: window, penaltyUntil: nil, now: now, level: level)
        }
    }
}
