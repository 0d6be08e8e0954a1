/// A company disabled until `until` by an alert's `penalty` (behaviour.md "Penalties").
public struct Penalty: Sendable, Codable, Equatable {
    public var company: String
    public var type: Company.Kind
    public var until: Int64
    public var alert: String
}

/// One change to the set of disabled companies, as logged and sent to the webhook.
public struct PenaltyAction: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case apply, extend, lift }
    public var kind: Kind
    public var company: String
    public var type: Company.Kind
    public var until: Int64
    public var alert: String
    public var at: Int64

    /// One line of the append-only penalty log.
    public var logLine: String {
        [ValueFormatter.timestamp(at), kind.rawValue, CSVCell.escape(company), type.rawValue,
         ValueFormatter.timestamp(until), CSVCell.escape(alert)].joined(separator: ",")
    }
}

/// Applies and lifts penalties on the state's penalty set.
public enum PenaltyBook {
    /// Lifts every penalty whose `until` is at or before `now`.
    public static func lift(_ penalties: inout [String: Penalty], now: Int64) -> [PenaltyAction] {
        var actions: [PenaltyAction] = []
        for (id, p) in penalties.sorted(by: { $0.key < $1.key }) where now >= p.until {
            penalties[id] = nil
            actions.append(PenaltyAction(kind: .lift, company: id, type: p.type, until: p.until, alert: p.alert, at: now))
        }
        return actions
    }

    /// On a firing: disabled until `max(current until, now + D)`.
    public static func apply(_ penalties: inout [String: Penalty], company: Company, alert: AlertDefinition, duration: TimeSpan, now: Int64) -> PenaltyAction? {
        let until = now + duration.seconds
        if let current = penalties[company.id] {
            guard until > current.until else { return nil }
            penalties[company.id] = Penalty(company: company.id, type: company.type, until: until, alert: alert.title)
            return PenaltyAction(kind: .extend, company: company.id, type: company.type, until: until, alert: alert.title, at: now)
        }
        penalties[company.id] = Penalty(company: company.id, type: company.type, until: until, alert: alert.title)
        return PenaltyAction(kind: .apply, company: company.id, type: company.type, until: until, alert: alert.title, at: now)
    }

    /// The penalties file for the switch to import: id, type, until, alert title.
    public static func csv(_ penalties: [String: Penalty]) -> String {
        var out = "id,type,until,alert\n"
        for p in penalties.values.sorted(by: { $0.company < $1.company }) {
            out += [CSVCell.escape(p.company), p.type.rawValue, ValueFormatter.timestamp(p.until), CSVCell.escape(p.alert)].joined(separator: ",") + "\n"
        }
        return out
    }
}
