/// The `sms` section of a job with `provider: "webhook"`.
extension DeliveryParser {
    static func webhookSMS(_ s: inout ObjectReader, allowPlain: Bool) -> WebhookSMS? {
        let url = s.string("url", required: true) ?? ""
        if s.has("url"), let problem = EndpointRules.httpURLProblem(url) { s.problem("url", problem) }
        let method = (s.string("method") ?? "POST").uppercased()
        if let problem = EndpointRules.methodProblem(method) { s.problem("method", problem) }
        let encodingText = s.string("encoding") ?? "json"
        let encoding = SMSSettings.BodyEncoding(rawValue: encodingText)
        if encoding == nil { s.problem("encoding", "write \"json\" or \"form\"") }
        let tokenEnv = s.string("token_env")

        let headers = headerFields(&s)
        var body: [String: JSONValue] = ["to": .string("{{to}}"), "body": .string("{{body}}")]
        if let raw = s.raw("body") {
            if let object = raw.objectValue {
                body = object
                for (name, value) in object.sorted(by: { $0.key < $1.key }) {
                    checkBodyValue(value, field: "body.\(name)", form: encoding == .form, &s)
                }
            } else {
                s.problem("body", "expected an object of fields, found \(raw.kindName)")
            }
        }

        let credentials = tokenEnv != nil || headers.values.contains { !EnvironmentReference.names(in: $0).isEmpty }
        if credentials, !allowPlain, EndpointRules.isPlainToAnotherHost(url, plainScheme: "http") {
            s.problem("url", EndpointRules.plaintextProblem("the gateway's credentials (token_env, ${…} in headers)", url))
        }
        return WebhookSMS(url: url, method: method, headers: headers, encoding: encoding ?? .json, body: body, tokenEnv: tokenEnv)
    }

    /// `headers`: name → text (numbers and booleans as JSON writes them); values may name `${VARIABLES}`.
    static func headerFields(_ s: inout ObjectReader) -> [String: String] {
        var headers: [String: String] = [:]
        guard let h = s.object("headers") else { return headers }
        for (name, value) in h.object.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .string(let text): headers[name] = text
            case .number, .bool: headers[name] = scalarText(value)
            default: s.problem("headers.\(name)", "a header value is text; found \(value.kindName)")
            }
        }
        return headers
    }

    /// JSON bodies keep any JSON; a form has no nesting, so its fields are text, numbers or booleans.
    /// Every string leaf must be a template that parses.
    private static func checkBodyValue(_ value: JSONValue, field: String, form: Bool, _ s: inout ObjectReader) {
        switch value {
        case .string(let source):
            do { _ = try Template(source: source, name: "sms.\(field)") } catch {
                s.problem(field, error.description)
            }
        case .array(let items):
            if form { s.problem(field, "a form field cannot hold a list; write text or a number, or use encoding \"json\""); return }
            for (i, item) in items.enumerated() { checkBodyValue(item, field: "\(field)[\(i)]", form: form, &s) }
        case .object(let fields):
            if form { s.problem(field, "a form field cannot hold an object; write text or a number, or use encoding \"json\""); return }
            for (name, item) in fields.sorted(by: { $0.key < $1.key }) { checkBodyValue(item, field: "\(field).\(name)", form: form, &s) }
        case .null:
            if form { s.problem(field, "a form field cannot be null; write text or a number, or leave the field out") }
        case .number, .bool:
            break
        }
    }

    /// A number or boolean as text, the way JSON writes it (5, not 5.0).
    static func scalarText(_ value: JSONValue) -> String {
        switch value {
        case .number(let n): return JSONText.number(n)
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        default: return ""
        }
    }
}
