import Foundation

/// What `klaxon check` warns about in `webhooks`: well-formed settings that are very
/// likely not what was meant. Warnings, like every other delivery warning: a run would
/// do what the job says.
enum WebhookCheck {
    static func warnings(_ job: Job, environment: [String: String]) -> [Problem] {
        var out: [Problem] = []
        var used: Set<String> = []
        for alert in job.alerts {
            for case .webhook(let name) in alert.recipients + alert.escalations.flatMap(\.to) {
                used.insert(name)
                // The reset is what resolves the incident these receivers opened.
                if let hook = job.webhooks[name], hook.preset == .pagerduty || hook.preset == .alertmanager, !alert.sendReset {
                    let receiver = hook.preset == .pagerduty ? "the PagerDuty incident stays open" : "Alertmanager is never told the alert ended"
                    out.append(Problem(file: alert.file, alert: alert.title, field: "send_reset",
                                       message: "webhook:\(name) is \(hook.preset.rawValue), but without send_reset: true a reset sends nothing and \(receiver)"))
                }
                // Alertmanager ends an alert nobody re-sends within its resolve_timeout.
                if let hook = job.webhooks[name], hook.preset == .alertmanager, alert.repeatEvery == nil, alert.comparison != .always {
                    out.append(Problem(file: alert.file, alert: alert.title, field: "repeat",
                                       message: "webhook:\(name) is alertmanager, which ends an alert not sent again within its resolve_timeout (5m by default); "
                                           + "without `repeat` the alert is sent once and shows as resolved there long before its reset, so set `repeat` or raise resolve_timeout"))
                }
            }
        }
        for (name, hook) in job.webhooks.sorted(by: { $0.key < $1.key }) {
            if !used.contains(name) {
                out.append(Problem(file: job.file, field: "webhooks.\(name)", message: "no alert sends to it (write \"webhook:\(name)\" in an alert's `to`)"))
            }
            // A URL set here is checked as a written one would be; it is never printed (it is a credential).
            guard let variable = hook.urlEnv, let url = environment[variable], !url.isEmpty else { continue }
            if EndpointRules.httpURLProblem(url) != nil {
                out.append(Problem(file: job.file, field: "webhooks.\(name).url_env", message: "the value of \(variable) here is not an http:// or https:// URL with a host"))
            } else if hook.hasCredentials, !hook.allowPlaintextCredentials, EndpointRules.isPlainToAnotherHost(url, plainScheme: "http") {
                out.append(Problem(file: job.file, field: "webhooks.\(name).url_env",
                                   message: "the value of \(variable) here is a plain http:// URL to another host: sending would be refused, since "
                                       + "\(WebhookParser.credentialWords) would cross it in clear; use https://, or write allow_plaintext_credentials: true"))
            }
        }
        return out
    }
}
