/// Reads the job's `webhooks` section (behaviour.md "Alert webhooks"). Secrets are never read here:
/// only the names of the variables that hold them, checked when sending.
enum WebhookParser {
    static func parse(_ r: inout ObjectReader, resolve: (String) -> String) -> [String: AlertWebhook] {
        guard var all = r.object("webhooks") else { return [:] }
        defer { r.absorb(all) }
        var hooks: [String: AlertWebhook] = [:]
        for name in all.object.keys.sorted() {
            guard all.object[name]?.objectValue != nil, var w = all.object(name) else {
                _ = all.raw(name)
                all.problem(name, "expected an object with `preset` and `url` or `url_env`, found \(all.object[name]?.kindName ?? "nothing")")
                continue
            }
            if !isName(name) { all.problem(name, "a webhook name is letters, digits, '-' and '_' (it is written as \"webhook:\(name)\" in `to`)") }
            hooks[name] = webhook(name, &w, resolve: resolve)
            w.rejectUnknownKeys()
            all.absorb(w)
        }
        return hooks
    }

    private static func webhook(_ name: String, _ w: inout ObjectReader, resolve: (String) -> String) -> AlertWebhook {
        let presetText = w.string("preset", required: true)
        let preset = presetText.flatMap(AlertWebhook.Preset.init(rawValue:))
        if let presetText, preset == nil {
            let names = AlertWebhook.Preset.allCases.map(\.rawValue)
            let hint = Suggestion.closest(presetText, among: names).map { "did you mean \"\($0)\"? " } ?? ""
            w.problem("preset", "unknown preset \"\(presetText)\"; \(hint)write one of \(names.joined(separator: ", "))")
        }
        var hook = AlertWebhook(name: name, preset: preset ?? .json)
        hook.url = w.string("url")
        hook.urlEnv = w.string("url_env")
        switch (hook.url, hook.urlEnv) {
        case (nil, nil): w.problem("url", "is required: write `url`, or `url_env` naming the environment variable that holds it")
        case (.some, .some): w.problem("url_env", "write `url` or `url_env`, not both")
        case (let url?, nil): if let problem = EndpointRules.httpURLProblem(url) { w.problem("url", problem) }
        case (nil, .some): break
        }
        hook.method = (w.string("method") ?? "POST").uppercased()
        if let problem = EndpointRules.methodProblem(hook.method) { w.problem("method", problem) }
        hook.tokenEnv = w.string("token_env")
        hook.routingKeyEnv = w.string("routing_key_env")
        hook.source = w.string("source")
        hook.generatorURL = w.string("generator_url")
        hook.timeout = w.duration("timeout") ?? hook.timeout
        hook.caFile = w.string("ca_file").map(resolve)
        hook.headers = DeliveryParser.headerFields(&w)
        let bodyValue = w.raw("body")
        // With an unknown preset, what the preset needs is unknown too: only the preset is reported.
        if preset != nil { presetFields(&hook, body: bodyValue, &w) }

        hook.allowPlaintextCredentials = w.bool("allow_plaintext_credentials") ?? false
        if let url = hook.url, hook.hasCredentials, !hook.allowPlaintextCredentials, EndpointRules.isPlainToAnotherHost(url, plainScheme: "http") {
            w.problem("url", EndpointRules.plaintextProblem(credentialWords, url))
        }
        // Kept even when invalid (the job is refused anyway), so `webhook:NAME` is not reported a second time.
        return hook
    }

    /// What one preset needs, and the fields that only make sense for another.
    private static func presetFields(_ hook: inout AlertWebhook, body: JSONValue?, _ w: inout ObjectReader) {
        switch hook.preset {
        case .json:
            guard let body else {
                w.problem("body", "is required with preset \"json\": the JSON to send, whose strings are templates such as \"{{title}}\"")
                return
            }
            hook.body = body
            checkTemplates(body, field: "body", &w)
        case .pagerduty:
            if hook.routingKeyEnv == nil {
                w.problem("routing_key_env", "is required with preset \"pagerduty\": the environment variable holding the integration's routing key")
            }
        case .slack, .teams, .alertmanager:
            break
        }
        if body != nil, hook.preset != .json { w.problem("body", "only preset \"json\" takes a `body`; preset \"\(hook.preset.rawValue)\" sends its service's own shape") }
        if hook.routingKeyEnv != nil, hook.preset != .pagerduty { w.problem("routing_key_env", "only preset \"pagerduty\" takes a routing key") }
        if hook.source != nil, hook.preset != .pagerduty { w.problem("source", "only preset \"pagerduty\" takes a `source`") }
        if hook.generatorURL != nil, hook.preset != .alertmanager { w.problem("generator_url", "only preset \"alertmanager\" takes a `generator_url`") }
    }

    /// Every string leaf of a `json` body must be a template that parses.
    private static func checkTemplates(_ value: JSONValue, field: String, _ w: inout ObjectReader) {
        switch value {
        case .string(let source):
            do {
                let template = try Template(source: source, name: "webhook.\(field)")
                // A misspelt variable would render as nothing at 3 a.m.; it is named now instead.
                for error in template.unknownVariables(known: TemplateSet.knownVariables.union(["subject", "text", "sms"])) {
                    w.problem(field, error.located)
                }
            } catch { w.problem(field, error.located) }
        case .array(let items):
            for (i, item) in items.enumerated() { checkTemplates(item, field: "\(field)[\(i)]", &w) }
        case .object(let fields):
            for (name, item) in fields.sorted(by: { $0.key < $1.key }) { checkTemplates(item, field: "\(field).\(name)", &w) }
        case .null, .number, .bool:
            break
        }
    }

    static let credentialWords = "the webhook's credentials (token_env, routing_key_env, ${…} in headers)"

    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}

extension WebhookParser {
    static let recipientPrefix = "webhook:"

    /// Each `webhook:NAME` in an alert's `to` must name one of the job's `webhooks`.
    static func checkRecipients(_ alert: AlertDefinition, webhooks: [String: AlertWebhook], diagnostics: inout Diagnostics) {
        checkNames(alert.recipients + alert.escalations.flatMap(\.to), webhooks: webhooks, file: alert.file, alert: alert.title,
                   field: "to", diagnostics: &diagnostics)
    }

    /// Every `webhook:NAME` among `recipients` must name one of the job's webhooks.
    static func checkNames(_ recipients: [Recipient], webhooks: [String: AlertWebhook], file: String, alert: String?,
                           field: String, diagnostics: inout Diagnostics) {
        for case .webhook(let name) in recipients where webhooks[name] == nil {
            let known = webhooks.keys.sorted()
            let hint = Suggestion.closest(name, among: known).map { "; did you mean \"webhook:\($0)\"?" }
                ?? (known.isEmpty ? "; the job has no `webhooks`" : "; the job's webhooks are \(known.joined(separator: ", "))")
            diagnostics.add(Problem(file: file, alert: alert, field: field,
                                    message: "\"webhook:\(name)\" names no webhook of the job\(hint)"))
        }
    }
}
