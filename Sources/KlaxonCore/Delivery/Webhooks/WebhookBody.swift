import Foundation

/// The body one alert webhook receives for one event, fixed at commit time like an
/// e-mail. It holds no secret: PagerDuty's routing key is added when it is sent.
enum WebhookBody {
    typealias Rendered = (subject: String, text: String, html: String?, sms: String)

    static func make(_ hook: AlertWebhook, event: AlertEvent, rendered: Rendered, job: Job) throws(SendFailure) -> String {
        switch hook.preset {
        case .slack: return encode(SlackMessage.body(event: event, rendered: rendered))
        case .teams: return encode(TeamsCard.body(event: event, rendered: rendered, shown: job.shownTime))
        case .pagerduty: return encode(PagerDutyEvent.body(hook, event: event, rendered: rendered, job: job))
        case .alertmanager: return encode(AlertmanagerAlert.body(hook, event: event, rendered: rendered, job: job))
        case .json: return try json(hook, event: event, rendered: rendered, job: job)
        }
    }

    /// Each string leaf is a template over the message's variables (plus the rendered
    /// `subject`, `text` and `sms`), rendered raw and then quoted once as JSON, as the SMS
    /// webhook's body is; numbers, booleans and nesting stay as written.
    static func json(_ hook: AlertWebhook, event: AlertEvent, rendered: Rendered, job: Job) throws(SendFailure) -> String {
        var context = MessageContext.make(event, brand: job.brand, shown: job.shownTime)
        if case .object(var values) = context {
            values["subject"] = .string(rendered.subject)
            values["text"] = .string(rendered.text)
            values["sms"] = .string(rendered.sms)
            context = .object(values)
        }
        func render(_ source: String, _ field: String) throws(SendFailure) -> String {
            do throws(TemplateError) { return try Template(source: source, name: "webhooks.\(hook.name).\(field)").render(context, escapeHTML: false) } catch {
                throw SendFailure("webhooks.\(hook.name).\(field): \(error.description)")
            }
        }
        return try JSONText.value(hook.body ?? .object([:]), field: "body", render)
    }

    /// Built bodies have no templates: their strings are sent as they are.
    static func encode(_ value: JSONValue) -> String {
        (try? JSONText.value(value, field: "", { (text: String, _: String) throws(SendFailure) -> String in text })) ?? "{}"
    }

    /// RFC 3339 in UTC, as PagerDuty and Alertmanager read times.
    static func time(_ epochSeconds: Int64) -> String { ValueFormatter.timestamp(epochSeconds) }

    /// What a receiver shows as the facts of an event, in the words of the templates.
    static func facts(_ event: AlertEvent, shown: ShownTime = .utc) -> [(String, String)] {
        let alert = event.alert
        func fmt(_ v: Double?) -> String? { v.map { ValueFormatter.format($0, area: alert.area, currency: event.company.currency) } }
        let company = event.company.name.isEmpty || event.company.name == event.company.id ? event.company.id : "\(event.company.id) (\(event.company.name))"
        var facts: [(String, String?)] = [
            ("company", company), ("alert", alert.title), ("area", alert.area.rawValue), ("kind", event.kind.rawValue),
            ("value", fmt(event.value) ?? event.valueText), ("operator", alert.comparison.rawValue),
            ("threshold", fmt(alert.threshold)), ("reset_threshold", fmt(alert.resetThreshold)),
            ("sample_period", alert.samplePeriod?.description),
            ("destination", event.destination), ("level", event.level?.rawValue),
            ("penalty_until", event.penaltyUntil.map(shown.timestamp)), ("message", event.message),
        ]
        if let w = event.window { facts += [("attempts", String(w.attempts)), ("connected", String(w.connected))] }
        return facts.compactMap { name, value in value.map { (name, $0) } }
    }
}
