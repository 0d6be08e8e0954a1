/// Reads alert definitions and applies every rule of behaviour.md "Alerts and the state machine"'s validation list,
/// naming the file, the alert and the field of each problem.
enum AlertParser {
    static func parse(_ items: [JSONValue], file: String, diagnostics: inout Diagnostics) -> [AlertDefinition] {
        var alerts: [AlertDefinition] = []
        for (index, item) in items.enumerated() {
            guard let object = item.objectValue else {
                diagnostics.add(Problem(file: file, field: "alerts[\(index)]", message: "expected an alert object, found \(item.kindName)"))
                continue
            }
            let title = object["title"]?.stringValue
            var r = ObjectReader(object, file: file, alert: title ?? "#\(index + 1)")
            let alert = parse(&r)
            r.rejectUnknownKeys()
            diagnostics.add(contentsOf: r.problems)
            if let alert { alerts.append(alert) }
        }
        return alerts
    }

    private static func parse(_ r: inout ObjectReader) -> AlertDefinition? {
        let title = r.string("title", required: true)
        if let title, title.trimming(.whitespaces).isEmpty { r.problem("title", "must not be empty") }
        if let title, title.contains(where: { $0.isNewline }) { r.problem("title", "must be one line") }

        let scope = parseScope(&r)
        let recipients = parseRecipients(&r)

        let areaName = r.string("area", required: true)
        let area = areaName.flatMap(Area.init(rawValue:))
        if let areaName, area == nil {
            r.problem("area", "unknown area \"\(areaName)\"; use one of \(Area.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let operatorName = r.string("operator", required: area != .script)
        let comparison = operatorName.flatMap(Comparison.init(rawValue:)) ?? (area == .script ? .always : nil)
        if let operatorName, Comparison(rawValue: operatorName) == nil {
            r.problem("operator", "unknown operator \"\(operatorName)\"; use <, <=, =, >=, > or always")
        }

        let threshold = r.number("threshold")
        let reset = r.number("reset_threshold")
        let fraud = FraudFieldsParser.parse(&r, area: area, comparison: comparison, threshold: threshold)
        if let comparison, area != .script {
            checkThresholds(&r, comparison: comparison, threshold: threshold ?? fraud.levels?.warning, reset: reset)
        }
        if area == .script {
            for field in ["operator", "threshold", "reset_threshold"] where r.has(field) {
                r.problem(field, "not used by a script alert: its script decides when it fires (pass values as script arguments)")
            }
        }

        let calendarDay = SamplePeriodParser.calendarDay(&r)
        let samplePeriod = calendarDay?.reach ?? SamplePeriodParser.duration(&r)
        if let area {
            if area.isWindowed, samplePeriod == nil, !r.has("sample_period") {
                r.problem("sample_period", "is required for the windowed area \(area.rawValue); write e.g. \"1h\"")
            } else if !area.isWindowed, area != .script, r.has("sample_period") {
                r.problem("sample_period", "not allowed for \(area.rawValue), which is a snapshot value, not a window")
            }
        }

        let minCalls = r.integer("min_calls") ?? 10
        // A ratio over no call has no value: 0 would silently mean 1.
        if minCalls < 1, area != .script {
            r.problem("min_calls", "must be at least 1 (a ratio over no call has no value); write 1 to evaluate whenever there is a call")
        }
        let penalty = r.duration("penalty")
        let template = r.string("template") ?? "alert"
        var repeatEvery: TimeSpan?
        if let text = r.string("repeat"), text != "none" {
            repeatEvery = TimeSpan(parsing: text)
            if repeatEvery == nil { r.problem("repeat", TimeSpan.tooLong(text) ?? "malformed duration \"\(text)\"; write \"none\" or e.g. 1h, 1d") }
        }
        let levelName = r.string("level") ?? "none"
        let level = AlertDefinition.Level(rawValue: levelName)
        if level == nil { r.problem("level", "unknown level \"\(levelName)\"; use none, warning or error") }
        let sendReset = r.bool("send_reset") ?? false

        // A path, or a list: the path and its fixed arguments (never a shell command line).
        let command = r.strings("script")
        let script = command?.first
        if area == .script, script == nil { r.problem("script", "is required for area script: the executable to run, or [executable, arguments…]") }
        if area != .script, area != nil, command != nil { r.problem("script", "only area script runs a script") }
        let timeout = r.duration("timeout")
        if area != .script, area != nil, timeout != nil { r.problem("timeout", "only a script alert has a timeout") }

        let escalations = EscalationParser.parse(&r)

        guard let title, let scope, let area, let comparison, let level else { return nil }
        var definition = AlertDefinition(title: title, file: r.file, scope: scope, recipients: recipients, area: area,
                               comparison: comparison, threshold: threshold ?? fraud.levels?.warning, resetThreshold: reset,
                               samplePeriod: samplePeriod, minCalls: minCalls, penalty: penalty, template: template,
                               repeatEvery: repeatEvery, level: level, sendReset: sendReset, script: script,
                               scriptArguments: Array((command ?? []).dropFirst()), scriptTimeout: timeout)
        definition.calendarDay = calendarDay
        definition.escalations = escalations
        definition.fraud = fraud
        return definition
    }

    private static func checkThresholds(_ r: inout ObjectReader, comparison: Comparison, threshold: Double?, reset: Double?) {
        if comparison == .always {
            if threshold != nil { r.problem("threshold", "not allowed with operator always, which fires on every run") }
            if reset != nil { r.problem("reset_threshold", "not allowed with operator always") }
            return
        }
        guard let threshold else {
            if !r.problems.contains(where: { $0.field == "threshold" }) {
                r.problem("threshold", "is required with operator \(comparison.rawValue)")
            }
            return
        }
        guard let reset else { return }
        switch comparison {
        case .lessThan, .lessOrEqual:
            if reset < threshold {
                r.problem("reset_threshold", "\(format(reset)) is below threshold \(format(threshold)) for operator \(comparison.rawValue); it could never reset — write a value ≥ \(format(threshold))")
            }
        case .greaterThan, .greaterOrEqual:
            if reset > threshold {
                r.problem("reset_threshold", "\(format(reset)) is above threshold \(format(threshold)) for operator \(comparison.rawValue); it could never reset — write a value ≤ \(format(threshold))")
            }
        case .equal, .always:
            r.problem("reset_threshold", "not allowed with operator \(comparison.rawValue)")
        }
    }

    private static func format(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }

    private static func parseScope(_ r: inout ObjectReader) -> AlertScope? {
        var scopes: [AlertScope] = []
        if let id = r.string("company") { scopes.append(.company(id)) }
        if let ids = r.strings("companies") {
            if ids.isEmpty { r.problem("companies", "must name at least one company") }
            scopes.append(.companies(ids))
        }
        if var s = r.object("scope") {
            let typeName = s.string("type") ?? "any"
            let type = AlertScope.CompanyTypeFilter(rawValue: typeName)
            if type == nil { s.problem("type", "unknown type \"\(typeName)\"; use customer, carrier or any") }
            let tag = s.string("tag")
            s.rejectUnknownKeys()
            r.absorb(s)
            scopes.append(.matching(type: type ?? .any, tag: tag))
        }
        if scopes.count != 1 {
            r.problem(scopes.isEmpty ? "scope" : "company", scopes.isEmpty
                ? "missing; write exactly one of company: \"id\", companies: [...], or scope: {type, tag}"
                : "write exactly one of company, companies or scope, not \(scopes.count)")
            return nil
        }
        return scopes[0]
    }

    static func parseRecipients(_ r: inout ObjectReader, field: String = "to") -> [Recipient] {
        guard let list = r.strings(field) else {
            r.problem(field, "is required: e-mail addresses, E.164 phone numbers and/or \"contacts\"")
            return []
        }
        var recipients: [Recipient] = []
        for (i, text) in list.enumerated() {
            switch Recipient.parse(text) {
            case .success(let recipient): recipients.append(recipient)
            case .failure(.malformedPhone):
                r.problem("\(field)[\(i)]", "malformed phone number \"\(text)\"; write E.164: + and 8 to 15 digits")
            case .failure(.malformedAddress):
                r.problem("\(field)[\(i)]", "malformed address \"\(text)\"; write name@example.com, +15550100 or \"contacts\"")
            }
        }
        return recipients
    }

    static func checkDuplicateTitles(_ alerts: [AlertDefinition], diagnostics: inout Diagnostics) {
        var firstFile: [String: String] = [:]
        for alert in alerts {
            if let other = firstFile[alert.title] {
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "title",
                                        message: "duplicate title (first defined in \(other)); titles identify alerts and must be unique"))
            } else {
                firstFile[alert.title] = alert.file
            }
        }
    }
}
