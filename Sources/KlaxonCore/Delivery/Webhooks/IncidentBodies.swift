import KlaxonEngine
/// PagerDuty Events API v2: trigger on a firing or repeat, resolve on a reset, under one
/// `dedup_key` per job, alert and company (and destination, for a `by: "destination"`
/// instance) so that the reset resolves what the firing opened, and nothing else.
enum PagerDutyEvent {
    /// PagerDuty's limits: 255 characters for the key, 1024 for the summary.
    static func dedupKey(job: String, alert: String, company: String) -> String {
        let readable = "klaxon/\(job)/\(alert)/\(company)"
        if readable.count <= 255 { return readable }
        return "klaxon/" + ContentDigest.of(Array([job, alert, company].joined(separator: "\u{1F}").utf8))
    }

    static func body(_ hook: AlertWebhook, event: AlertEvent, rendered: WebhookBody.Rendered, job: Job) -> JSONValue {
        // A test (`klaxon test --send`) must not trigger or resolve the real incident.
        let suffix = event.kind == .test ? "/test" : ""
        let key = JSONValue.string(dedupKey(job: job.name, alert: event.alert.title, company: event.company.id + (event.destination.map { "/" + $0 } ?? "") + suffix))
        if event.kind == .reset {
            return .object(["event_action": .string("resolve"), "dedup_key": key])
        }
        var details: [String: JSONValue] = [:]
        for (name, value) in WebhookBody.facts(event, shown: job.shownTime) { details[name] = .string(value) }
        let payload: [String: JSONValue] = [
            "summary": .string(String(rendered.subject.prefix(1024))),
            "source": .string(hook.source ?? job.name),
            "severity": .string(WebhookSeverity.of(event)),
            "timestamp": .string(WebhookBody.time(event.now)),
            "component": .string(event.company.id),
            "group": .string(event.alert.area.rawValue),
            "class": .string(event.alert.title),
            "custom_details": .object(details),
        ]
        return .object(["event_action": .string("trigger"), "dedup_key": key, "client": .string("Klaxon"), "payload": .object(payload)])
    }

    /// The routing key joins the body only on its way out, so the outbox never holds it.
    static func withRoutingKey(_ body: String, _ key: String) -> String {
        guard body.hasPrefix("{") else { return body }
        let rest = body.dropFirst()
        return "{" + JSONText.string("routing_key") + ":" + JSONText.string(key) + (rest.hasPrefix("}") ? "" : ",") + rest
    }
}

/// Prometheus Alertmanager API v2: `POST …/api/v2/alerts` with a list of one alert. The
/// labels identify it (a reset with the same labels and `endsAt` resolves it).
enum AlertmanagerAlert {
    static let path = "/api/v2/alerts"

    static func body(_ hook: AlertWebhook, event: AlertEvent, rendered: WebhookBody.Rendered, job: Job) -> JSONValue {
        var labels: [String: JSONValue] = [
            "alertname": .string(event.alert.title), "company": .string(event.company.id),
            "job": .string(job.name), "severity": .string(WebhookSeverity.of(event)),
        ]
        // Each destination of a company is an alert of its own: one's reset must not end another's.
        if let destination = event.destination { labels["destination"] = .string(destination) }
        var alert: [String: JSONValue] = [
            "labels": .object(labels),
            "annotations": .object([
                "summary": .string(rendered.subject),
                "description": .string(rendered.text.trimming(.whitespacesAndNewlines)),
            ]),
            // On a reset, Alertmanager keeps the earlier start it already holds for these labels.
            "startsAt": .string(WebhookBody.time(event.now)),
        ]
        if event.kind == .reset { alert["endsAt"] = .string(WebhookBody.time(event.now)) }
        // A test gets a label of its own, so that it is a different alert from the real one.
        if event.kind == .test, case .object(var labels)? = alert["labels"] {
            labels["test"] = .string("true")
            alert["labels"] = .object(labels)
        }
        if let generator = hook.generatorURL { alert["generatorURL"] = .string(generator) }
        return .array([.object(alert)])
    }

    /// The job may give Alertmanager's base URL or the full endpoint.
    static func endpoint(_ url: String) -> String {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        return base.hasSuffix(path) ? base : base + path
    }
}
