/// One outbox item per webhook an event names: each webhook gets every event on its own
/// (a firing, a repeat, a reset), never grouped, since its receiver tracks incidents by event.
extension NotificationComposer {
    func composeWebhooks(_ event: AlertEvent, rendered: WebhookBody.Rendered, into out: inout Composed) {
        var seen: Set<String> = []
        for case .webhook(let name) in event.alert.recipients where seen.insert(name).inserted {
            guard let hook = job.webhooks[name] else {
                out.warnings.append("alert \(event.alert.title): no webhook \"\(name)\" in the job; not sent")
                continue
            }
            do {
                let body = try WebhookBody.make(hook, event: event, rendered: rendered, job: job)
                out.items.append(item(channel: .webhook, alert: event.alert.title, company: event.company.id, kind: event.kind.rawValue,
                                      recipients: [hook.recipient], subject: rendered.subject, payload: body, destination: event.destination))
            } catch {
                out.warnings.append("alert \(event.alert.title): webhook \(name): \(error.description); not sent")
            }
        }
    }
}

/// What `--dry-run` shows of each webhook call: where it would go and the exact body.
enum WebhookPreview {
    static func texts(_ event: AlertEvent, rendered: WebhookBody.Rendered, job: Job) -> [String] {
        var seen: Set<String> = []
        var texts: [String] = []
        for case .webhook(let name) in event.alert.recipients where seen.insert(name).inserted {
            guard let hook = job.webhooks[name] else { continue }
            // The URL from the environment is a credential (Slack, Teams): only its variable is named.
            var target = hook.url.map { hook.preset == .alertmanager ? AlertmanagerAlert.endpoint($0) : $0 }.map(RedactedURL.display)
                ?? "the URL in $\(hook.urlEnv ?? "")"
            if hook.preset == .alertmanager, hook.url == nil { target += " + \(AlertmanagerAlert.path)" }
            let body: String
            do { body = try WebhookBody.make(hook, event: event, rendered: rendered, job: job) } catch { body = "(not sent: \(error.description))" }
            let key = hook.routingKeyEnv.map { " (routing_key from $\($0) added when sent)" } ?? ""
            texts.append("Webhook \(name) (\(hook.preset.rawValue)): \(hook.method) \(target)\(key)\n\(body)")
        }
        return texts
    }
}
