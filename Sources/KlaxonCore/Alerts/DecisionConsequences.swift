/// What one instance's decision leads to, the same for the bucket alerts (`Evaluator`)
/// and the call-log alerts (`CallLogEvaluator`): silences, late notices and escalations
/// are decided in `NoticeGate` before any penalty or message; then the penalty; then
/// one event per notice.
struct DecisionConsequences {
    let gate: NoticeGate
    let silencer: Silencer
    let now: Int64

    /// `event` makes the instance's event (kind, recipients, penalty and `triggeredSince`
    /// are set here); it is called only for a decision that notifies someone.
    func apply(_ decision: Decision, key: String, alert: AlertDefinition, company: Company, instance: AlertInstance,
               notices: inout [String: InstanceNotice], state: inout KlaxonState, result: inout Evaluator.Result,
               event: () -> AlertEvent) {
        let gated = gate.pass(decision, alert: alert, instance: instance,
                              silencedBy: silencer.reason(alert: alert.title, company: company), record: &notices[key])
        if let reason = gated.silencedBy { result.decisions[result.decisions.count - 1].silenced = reason }
        var penaltyUntil: Int64?
        if gated.appliesPenalty, let duration = alert.penalty {
            if let action = PenaltyBook.apply(&state.meta.penalties, company: company, alert: alert, duration: duration, now: now) {
                result.penaltyActions.append(action)
            }
            penaltyUntil = state.meta.penalties[company.id]?.until
        } else if decision == .reset, alert.penalty != nil {
            // A reset notice says whether traffic is still suspended; lifted penalties are gone by now.
            penaltyUntil = state.meta.penalties[company.id]?.until
        }
        guard !gated.notices.isEmpty else { return }
        let made = event()
        for notice in gated.notices {
            var sent = made
            sent.alert = alert.notifying(notice.recipients)
            sent.kind = notice.kind
            sent.penaltyUntil = penaltyUntil
            sent.triggeredSince = notice.since
            result.events.append(sent)
        }
    }

    /// Whether `apply` would do nothing: an instance with no notice record that decided
    /// ok, no value, or held without escalation steps notifies no one, takes no penalty
    /// and leaves no record (`NoticeGate.pass`). The record is looked up only when some
    /// instance has one, so a run where none does hashes no key for it.
    func isQuiet(_ decision: Decision, alert: AlertDefinition, key: String, notices: [String: InstanceNotice]) -> Bool {
        switch decision {
        case .ok, .insufficientData, .missing: break
        case .held: guard alert.escalations.isEmpty else { return false }
        case .fired, .repeated, .reset: return false
        }
        return notices.isEmpty || notices[key] == nil
    }
}
