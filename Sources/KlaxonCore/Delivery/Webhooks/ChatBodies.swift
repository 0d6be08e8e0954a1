/// Slack incoming webhook: `{"text": …}` in mrkdwn. Slack reads `&`, `<` and `>` as
/// control characters (links, mentions), so the message's own are written as entities.
enum SlackMessage {
    static func body(event: AlertEvent, rendered: WebhookBody.Rendered) -> JSONValue {
        let subject = escape(rendered.subject)
        let text = escape(rendered.text.trimming(.whitespacesAndNewlines))
        return .object(["text": .string(text.isEmpty ? "*\(subject)*" : "*\(subject)*\n\(text)")])
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Microsoft Teams Workflows webhook: a `message` with one Adaptive Card attachment.
enum TeamsCard {
    static let schema = "http://adaptivecards.io/schemas/adaptive-card.json"
    /// 1.4 is what Teams renders on every client (desktop, web, mobile).
    static let version = "1.4"

    static func body(event: AlertEvent, rendered: WebhookBody.Rendered, shown: ShownTime = .utc) -> JSONValue {
        let levelColor: String = switch event.alert.level {
        case .error: "Attention"
        case .warning: "Warning"
        case .none: "Default"
        }
        let color = event.kind == .reset ? "Good" : levelColor
        var blocks: [JSONValue] = [
            .object(["type": .string("TextBlock"), "text": .string(rendered.subject), "weight": .string("Bolder"),
                     "size": .string("Medium"), "color": .string(color), "wrap": .bool(true)]),
        ]
        let text = rendered.text.trimming(.whitespacesAndNewlines)
        if !text.isEmpty { blocks.append(.object(["type": .string("TextBlock"), "text": .string(text), "wrap": .bool(true)])) }
        let facts = WebhookBody.facts(event, shown: shown).map { JSONValue.object(["title": .string($0.0), "value": .string($0.1)]) }
        blocks.append(.object(["type": .string("FactSet"), "facts": .array(facts)]))
        let card: JSONValue = .object(["$schema": .string(schema), "type": .string("AdaptiveCard"), "version": .string(version), "body": .array(blocks)])
        return .object([
            "type": .string("message"),
            "attachments": .array([.object(["contentType": .string("application/vnd.microsoft.card.adaptive"), "contentUrl": .null, "content": card])]),
        ])
    }
}
