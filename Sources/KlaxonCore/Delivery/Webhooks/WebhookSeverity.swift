/// The one place a Klaxon severity name becomes a receiver's severity, so that a new
/// level (fraud rules' `warning`/`critical`) is one more line here.
enum WebhookSeverity {
    /// PagerDuty's `payload.severity` (critical, error, warning, info), also used as
    /// Alertmanager's `severity` label. An alert's notice `level`: none → info.
    static func name(_ severity: String) -> String {
        switch severity {
        case "none", "info": return "info"
        case "warning": return "warning"
        case "error": return "error"
        case "critical": return "critical"
        // A level this code does not know yet pages rather than hides.
        default: return "error"
        }
    }

    /// An event's severity: its instance's level (warning, critical) for an alert with
    /// `levels`, else the alert's notice level.
    static func of(_ event: AlertEvent) -> String {
        if event.alert.fraud.levels != nil, let level = event.level { return name(level.rawValue) }
        return name(event.alert.level.rawValue)
    }
}
