/// The order of events in a digest: most severe first, so that a message cut short
/// (an SMS past its segments, a reader who stops at the top) loses the least urgent.
///
/// 1. notice level: `error`, then `warning`, then `none`;
/// 2. kind: `fired` (news), then `escalated` (still firing past an escalation delay),
///    then `repeat` (still firing), then `reset` (resolved);
/// 3. alert title, then company id, both in code-point order, so that two runs
///    with the same events list them the same way.
public enum DigestOrder {
    public static func sorted(_ events: [AlertEvent]) -> [AlertEvent] {
        events.sorted(by: precedes)
    }

    public static func precedes(_ a: AlertEvent, _ b: AlertEvent) -> Bool {
        let ka = (rank(a.alert.level), rank(a.kind))
        let kb = (rank(b.alert.level), rank(b.kind))
        if ka != kb { return ka < kb }
        if a.alert.title != b.alert.title { return a.alert.title.unicodeScalars.lexicographicallyPrecedes(b.alert.title.unicodeScalars) }
        return a.company.id.unicodeScalars.lexicographicallyPrecedes(b.company.id.unicodeScalars)
    }

    static func rank(_ level: AlertDefinition.Level) -> Int {
        switch level {
        case .error: 0
        case .warning: 1
        case .none: 2
        }
    }

    static func rank(_ kind: NotificationKind) -> Int {
        switch kind {
        case .fired: 0
        case .escalated: 1
        case .repeat: 2
        case .reset: 3
        // Tests never reach a digest; ranked last should one ever be passed in.
        case .test: 4
        }
    }
}
