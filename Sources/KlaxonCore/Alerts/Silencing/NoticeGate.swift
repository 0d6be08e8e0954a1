/// The one place that decides what an instance's decision notifies, after the
/// state machine has stepped and before anything is composed: silences swallow
/// firings and repeats (and their penalties), a firing swallowed is notified
/// late once the silence ends, a reset reaches whoever was told of the firing,
/// and escalation steps fall due. Every channel (e-mail, SMS, and whatever
/// consumes the events) only ever sees what passes here.
public struct NoticeGate: Sendable {
    let now: Int64
    /// The job's interval: escalations take the same half-interval tolerance as `repeat`.
    let interval: TimeSpan

    public struct Notice: Sendable, Equatable {
        public var kind: NotificationKind
        public var recipients: [Recipient]
        /// For a late firing notice or an escalation: since when the instance is triggered.
        public var since: Int64?
    }

    public struct Outcome: Sendable, Equatable {
        /// What swallowed a firing or repeat, for the report.
        public var silencedBy: String?
        public var appliesPenalty = false
        public var notices: [Notice] = []
    }

    /// `record` is the instance's entry in `StateMeta.notices` (nil: its firing, if any, was notified).
    public func pass(_ decision: Decision, alert: AlertDefinition, instance: AlertInstance, silencedBy: String?,
                     record: inout InstanceNotice?) -> Outcome {
        var out = Outcome()
        var entry = record ?? InstanceNotice()
        defer { record = entry.isEmpty || instance.status == .ok ? nil : entry }
        switch decision {
        case .fired:
            // `always` fires on every run of one triggered period: only a new period starts afresh.
            if instance.triggeredSince == now { entry = InstanceNotice() }
            if let silencedBy {
                out.silencedBy = silencedBy
                if entry.unnotifiedSince == nil { entry.unnotifiedSince = instance.triggeredSince ?? now }
            } else {
                out.appliesPenalty = true
                out.notices.append(Notice(kind: .fired, recipients: alert.recipients, since: entry.unnotifiedSince))
                if entry.unnotifiedSince != nil { entry.notifiedAt = now }
                entry.unnotifiedSince = nil
            }
        case .repeated:
            if let silencedBy {
                out.silencedBy = silencedBy
            } else {
                out.appliesPenalty = true
                if let since = entry.unnotifiedSince {
                    // The first word they hear of it: a firing, saying since when, not a "repeat".
                    out.notices.append(Notice(kind: .fired, recipients: alert.recipients, since: since))
                    entry.unnotifiedSince = nil
                    entry.notifiedAt = now
                } else {
                    out.notices.append(Notice(kind: .repeat, recipients: alert.recipients, since: nil))
                    escalate(alert: alert, instance: instance, entry: &entry, into: &out)
                }
            }
        case .held:
            guard silencedBy == nil, instance.status == .triggered else { break }
            if let since = entry.unnotifiedSince {
                out.notices.append(Notice(kind: .fired, recipients: alert.recipients, since: since))
                entry.unnotifiedSince = nil
                entry.notifiedAt = now
            } else {
                escalate(alert: alert, instance: instance, entry: &entry, into: &out)
            }
        case .reset:
            // Whoever heard of the firing hears it is over, silence or not, so no ticket is left
            // open; a firing nobody heard of ends as quietly as it began.
            if alert.sendReset, entry.unnotifiedSince == nil {
                let told = (entry.told ?? []).compactMap(Recipient.init(text:))
                out.notices.append(Notice(kind: .reset, recipients: unique(alert.recipients + told), since: nil))
            }
            entry = InstanceNotice()
        case .ok:
            entry = InstanceNotice()
        case .insufficientData, .missing:
            break
        }
        return out
    }

    /// The escalation steps due: past `after` since the firing was notified, not sent yet.
    /// They go out together, as one notice to everyone they name.
    private func escalate(alert: AlertDefinition, instance: AlertInstance, entry: inout InstanceNotice, into out: inout Outcome) {
        guard !alert.escalations.isEmpty, let start = entry.notifiedAt ?? instance.triggeredSince else { return }
        let done = entry.escalated ?? []
        let due = alert.escalations.indices.filter { i in
            !done.contains(i) && StateMachine.repeatDue(since: start, every: alert.escalations[i].after, now: now, interval: interval)
        }
        guard !due.isEmpty else { return }
        let recipients = unique(due.flatMap { alert.escalations[$0].to })
        out.notices.append(Notice(kind: .escalated, recipients: recipients, since: instance.triggeredSince))
        entry.escalated = done + due
        entry.told = unique((entry.told ?? []).compactMap(Recipient.init(text:)) + recipients).map(\.text)
    }

    private func unique(_ list: [Recipient]) -> [Recipient] {
        var seen: Set<Recipient> = []
        return list.filter { seen.insert($0).inserted }
    }
}
