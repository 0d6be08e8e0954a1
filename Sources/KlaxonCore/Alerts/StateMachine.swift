/// What one evaluation saw for an instance.
public enum Observation: Sendable, Equatable {
    /// A value, whether the alert's condition holds, and whether its reset condition does.
    case measured(value: Double?, holds: Bool, resets: Bool)
    case insufficientData
    case missing
}

/// What the state machine decided for one instance in one run.
public enum Decision: String, Sendable, Codable {
    case fired, repeated, reset, held, ok, insufficientData = "insufficient_data", missing
}

/// behaviour.md "Alerts and the state machine", one instance per (alert, company): fire on ok → triggered, hold
/// between threshold and reset threshold, reset, repeat with the half-interval
/// tolerance, and `always`.
public enum StateMachine {
    public static func step(_ instance: inout AlertInstance, alert: AlertDefinition, observation: Observation,
                            now: Int64, interval: TimeSpan) -> Decision {
        guard case .measured(let value, let holds, let resets) = observation else {
            // No value: the state is left exactly as it was (never reset, never fired).
            return observation == .insufficientData ? .insufficientData : .missing
        }
        instance.lastValue = value
        // A script alert has no operator of its own (its script decides), so it is never `always`.
        if alert.comparison == .always, alert.area != .script {
            let due = instance.lastFired.map { repeatDue(since: $0, every: alert.repeatEvery, now: now, interval: interval) } ?? true
            guard due || alert.repeatEvery == nil else { return .held }
            instance.status = .triggered
            if instance.triggeredSince == nil { instance.triggeredSince = now }
            instance.lastFired = now
            return .fired
        }
        switch instance.status {
        case .ok:
            guard holds else { return .ok }
            instance.status = .triggered
            instance.triggeredSince = now
            instance.lastFired = now
            return .fired
        case .triggered:
            if resets {
                instance.status = .ok
                instance.triggeredSince = nil
                return .reset
            }
            if let last = instance.lastFired, alert.repeatEvery != nil,
               repeatDue(since: last, every: alert.repeatEvery, now: now, interval: interval) {
                instance.lastFired = now
                return .repeated
            }
            return .held
        }
    }

    /// `now ≥ last + repeat − interval/2`: the tolerance absorbs cron jitter, so a
    /// daily repeat from an hourly job does not drift an hour a day.
    static func repeatDue(since last: Int64, every: TimeSpan?, now: Int64, interval: TimeSpan) -> Bool {
        guard let every else { return true }
        return now >= last + every.seconds - interval.seconds / 2
    }

    /// The observation for a plain threshold alert.
    public static func observe(_ value: MetricValue, alert: AlertDefinition) -> Observation {
        switch value {
        case .missing: return .missing
        case .insufficientData, .uncoveredWindow: return .insufficientData
        case .value(let v):
            guard let threshold = alert.threshold else {
                return .measured(value: v, holds: alert.comparison == .always, resets: false)
            }
            return .measured(value: v, holds: alert.comparison.holds(v, threshold: threshold),
                             resets: alert.comparison.resets(v, threshold: threshold, resetThreshold: alert.resetThreshold))
        }
    }
}
