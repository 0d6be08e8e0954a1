extension Evaluator {
    /// The notice records of instances that still exist: an instance dropped (its alert
    /// or company gone) takes its record with it. nil when none is left, so a job that
    /// never silenced or escalated writes the same state as before silences existed.
    static func kept(_ notices: [String: InstanceNotice], instances: [String: AlertInstance]) -> [String: InstanceNotice]? {
        let kept = notices.filter { instances[$0.key] != nil }
        return kept.isEmpty ? nil : kept
    }
}

extension AlertDefinition {
    /// The alert with the recipients of one notice (an escalation's, or a reset's to
    /// everyone told): the composer sends to an event's alert's `to`.
    func notifying(_ recipients: [Recipient]) -> AlertDefinition {
        guard recipients != self.recipients else { return self }
        var copy = self
        copy.recipients = recipients
        return copy
    }
}
