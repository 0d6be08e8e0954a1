/// The template variables of behaviour.md "Destinations, fraud rules and baselines". `level` keeps meaning the alert's notice
/// level (none/warning/error) for an alert without `levels`; an alert with
/// `levels` has no notice level (the parser refuses both), and there `level`
/// is the instance's: warning or critical. `severity` is the same for every
/// alert, for webhooks and pagers: the instance's level under `levels`, else
/// the notice level as warning (warning) or critical (error), null for none.
enum FraudContext {
    static func add(to values: inout [String: TemplateValue], event: AlertEvent) {
        let severity: String?
        if event.alert.fraud.levels != nil {
            severity = (event.level ?? .warning).rawValue
            values["level"] = .string(severity ?? "")
        } else {
            switch event.alert.level {
            case .none: severity = nil
            case .warning: severity = AlertLevel.warning.rawValue
            case .error: severity = AlertLevel.critical.rawValue
            }
        }
        values["severity"] = severity.map { .string($0) } ?? .null
        values["is_critical"] = .bool(severity == AlertLevel.critical.rawValue)
        values["destination"] = event.destination.map { .string($0) } ?? .null
        let currency = event.company.currency
        values["baseline"] = event.baseline.map { .string(ValueFormatter.format($0, area: event.alert.area, currency: currency)) } ?? .null
        values["ratio"] = event.ratio.map { .string(ValueFormatter.trimmed($0, decimals: 1)) } ?? .null
        // A baseline alert's threshold is a ratio, not an amount of its area.
        if event.alert.fraud.baseline != nil, let t = event.alert.threshold { values["threshold"] = .string(ValueFormatter.trimmed(t, decimals: 2)) }
    }
}
