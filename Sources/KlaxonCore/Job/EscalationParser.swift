/// Reads an alert's `escalate` list: `[{ after: "2h", to: [...] }]`.
enum EscalationParser {
    static func parse(_ r: inout ObjectReader) -> [Escalation] {
        guard let list = r.raw("escalate") else { return [] }
        guard let items = list.arrayValue else {
            r.problem("escalate", "expected a list of steps such as [{ after: \"2h\", to: [\"manager@example.com\"] }], found \(list.kindName)")
            return []
        }
        var steps: [Escalation] = []
        for (index, item) in items.enumerated() {
            guard let object = item.objectValue else {
                r.problem("escalate[\(index)]", "expected { after, to }, found \(item.kindName)")
                continue
            }
            var s = ObjectReader(object, file: r.file, alert: r.alert, path: r.fieldName("escalate[\(index)]"))
            let after = s.duration("after", required: true)
            var to: [Recipient] = []
            if let texts = s.strings("to") {
                if texts.isEmpty { s.problem("to", "is empty: an escalation must tell someone") }
                for (i, text) in texts.enumerated() {
                    if let recipient = Recipient(text: text) { to.append(recipient) }
                    else { s.problem("to[\(i)]", "malformed address \"\(text)\"; write name@example.com, +15550100 or \"contacts\"") }
                }
            } else {
                s.problem("to", "is required: who is told when the alert stays triggered past `after`")
            }
            s.rejectUnknownKeys()
            r.absorb(s)
            if let after, !to.isEmpty, s.problems.isEmpty { steps.append(Escalation(after: after, to: to, index: index)) }
        }
        return steps
    }

    /// An escalation that mails or texts someone needs the job's settings for that channel, as `to` does.
    static func checkChannels(_ alert: AlertDefinition, email: EmailSettings?, sms: SMSSettings?, diagnostics: inout Diagnostics) {
        for step in alert.escalations {
            var missing: Set<String> = []
            for recipient in step.to {
                switch recipient {
                case .email where email == nil: missing.insert("sends e-mail, but the job has no `email` settings")
                case .phone where sms == nil: missing.insert("sends SMS, but the job has no `sms` settings")
                case .contacts where email == nil && sms == nil: missing.insert("writes to the company's contacts, but the job has neither `email` nor `sms` settings")
                default: break
                }
            }
            for message in missing.sorted() {
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "escalate[\(step.index)].to", message: message))
            }
        }
    }
}
