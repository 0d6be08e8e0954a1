/// Builds the template variables of behaviour.md "Notifications" for one event.
enum MessageContext {
    static func make(_ event: AlertEvent, brand: String, shown: ShownTime = .utc) -> TemplateValue {
        let alert = event.alert
        let company = event.company
        let currency = company.currency
        func fmt(_ v: Double?) -> TemplateValue {
            v.map { .string(ValueFormatter.format($0, area: alert.area, currency: currency)) } ?? .null
        }
        var values: [String: TemplateValue] = [
            "name": .string(company.name),
            "brandName": .string(brand),
            "title": .string(alert.title),
            "area": .string(alert.area.rawValue),
            "operator": .string(alert.comparison.rawValue),
            "threshold": fmt(alert.threshold),
            "reset_threshold": fmt(alert.resetThreshold),
            // Without a value (a test with too few calls), what stands in for it says why.
            "value": event.value == nil ? event.valueText.map { .string($0) } ?? .null : fmt(event.value),
            "sample_period": alert.window.map { .string($0.description) } ?? .null,
            "level": .string(alert.level.rawValue),
            "kind": .string(event.kind.rawValue),
            "is_fired": .bool(event.kind == .fired),
            "is_repeat": .bool(event.kind == .repeat),
            "is_reset": .bool(event.kind == .reset),
            "is_test": .bool(event.kind == .test),
            "is_escalated": .bool(event.kind == .escalated),
            "triggered_since": event.triggeredSince.map { .string(shown.timestamp($0)) } ?? .null,
            "company": .object([
                "id": .string(company.id), "name": .string(company.name),
                "type": .string(company.type.rawValue), "currency": .string(currency),
            ]),
            "penalty": alert.penalty.map { .string($0.description) } ?? .null,
            "penalty_until": event.penaltyUntil.map { .string(shown.timestamp($0)) } ?? .null,
            "now": .string(shown.timestamp(event.now)),
            "message": event.message.map { .string($0) } ?? .null,
        ]
        FraudContext.add(to: &values, event: event)
        if let w = event.window {
            values["attempts"] = .string(String(w.attempts))
            values["connected"] = .string(String(w.connected))
            values["asr"] = w.attempts > 0 ? .string(ValueFormatter.format(Double(w.connected) / Double(w.attempts) * 100, area: .asr, currency: "")) : .string("n/a")
            values["acd"] = w.connected > 0 ? .string(ValueFormatter.duration(seconds: Double(w.talkSeconds) / Double(w.connected))) : .string("n/a")
        }
        return .object(values)
    }
}
