/// behaviour.md "Alerts and the state machine"'s state machine with `levels`: the warning level is the threshold,
/// so firing, hysteresis, repeats and resets are the plain machine's; on top,
/// a triggered instance still at warning that reaches critical fires again,
/// once. Falling back between warning and critical changes nothing: the
/// level stays critical until the instance resets (no message for a dip).
enum LevelMachine {
    static func step(_ instance: inout AlertInstance, level: inout AlertLevel?, alert: AlertDefinition,
                     observation: Observation, now: Int64, interval: TimeSpan) -> Decision {
        guard let levels = alert.fraud.levels, case .measured(let value?, _, _) = observation else {
            return StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: interval)
        }
        let critical = alert.comparison.holds(value, threshold: levels.critical)
        if instance.status == .triggered, level != .critical, critical {
            instance.lastValue = value
            instance.lastFired = now
            level = .critical
            return .fired
        }
        let decision = StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: interval)
        switch decision {
        case .fired: level = critical ? .critical : .warning
        case .reset: level = nil
        default: if instance.status == .triggered, level == nil { level = .warning }
        }
        return decision
    }
}

extension KlaxonState {
    /// Steps the instance under `key`, with its level when the alert has `levels`.
    /// Returns the decision, the instance after, and its severity for the message
    /// (for a reset, the level it was at).
    mutating func stepInstance(key: String, alert: AlertDefinition, company: String, observation: Observation,
                               now: Int64, interval: TimeSpan) -> (Decision, AlertInstance, AlertLevel?) {
        var instance = meta.instances[key] ?? AlertInstance(alert: alert.title, company: company)
        guard alert.fraud.levels != nil else {
            let decision = StateMachine.step(&instance, alert: alert, observation: observation, now: now, interval: interval)
            meta.instances[key] = instance
            return (decision, instance, nil)
        }
        let before = meta.fraud?.levels[key]
        var level = before
        let decision = LevelMachine.step(&instance, level: &level, alert: alert, observation: observation, now: now, interval: interval)
        meta.instances[key] = instance
        if level != before {
            if meta.fraud == nil { meta.fraud = FraudState() }
            meta.fraud?.levels[key] = level
        }
        return (decision, instance, decision == .reset ? before : level)
    }

    /// Levels of instances no longer held (alert or company dropped) go with them.
    mutating func forgetStaleLevels() {
        guard let keys = meta.fraud?.levels.keys, !keys.isEmpty else { return }
        for key in Array(keys) where meta.instances[key] == nil { meta.fraud?.levels[key] = nil }
        if meta.fraud?.isEmpty == true { meta.fraud = nil }
    }
}

extension KlaxonState {
    /// `stepInstance` for an alert with `levels`, shaped as the evaluator's in-place step.
    mutating func stepLevels(key: String, alert: AlertDefinition, company: String, observation: Observation,
                             now: Int64, interval: TimeSpan, level: inout AlertLevel?) -> (Decision, AlertInstance) {
        let (decision, instance, after) = stepInstance(key: key, alert: alert, company: company, observation: observation, now: now, interval: interval)
        level = after
        return (decision, instance)
    }
}
