import Foundation

/// Builds the HTTP request that hands one SMS to the job's provider (behaviour.md "Notifications").
enum SMSRequest {
    static func make(to: String, body: String, settings: SMSSettings, secrets: Secrets) throws(SendFailure) -> HTTPRequest {
        switch settings.provider {
        case .twilio(let accountEnv, let tokenEnv, let from, let baseURL):
            let account = try secrets.value(accountEnv) ?? ""
            let token = try secrets.value(tokenEnv) ?? ""
            let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            return HTTPRequest(method: "POST", url: "\(base)/2010-04-01/Accounts/\(FormEncoding.escape(account))/Messages.json",
                               headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded"), HTTPHeader("Accept", "application/json")],
                               body: Array(FormEncoding.encode([("To", to), ("From", from), ("Body", body)]).utf8),
                               basicAuth: .init(user: account, password: token))
        case .webhook(let hook):
            return try webhook(hook, to: to, body: body, secrets: secrets)
        }
    }

    /// The job's own request shape. Each string leaf of the body is a template over
    /// {{to}} and {{body}}, rendered raw and then escaped once for the body's encoding,
    /// so no value can break out of its field; numbers, booleans and nesting stay as written.
    static func webhook(_ hook: WebhookSMS, to: String, body: String, secrets: Secrets) throws(SendFailure) -> HTTPRequest {
        let context: TemplateValue = .object(["to": .string(to), "body": .string(body)])
        func render(_ source: String, _ field: String) throws(SendFailure) -> String {
            do throws(TemplateError) { return try Template(source: source, name: "sms.\(field)").render(context, escapeHTML: false) } catch {
                throw SendFailure("sms.\(field): \(error.description)")
            }
        }
        var secretValues: [String] = []
        var headers = try resolvedHeaders(hook.headers, secrets: secrets, secretValues: &secretValues)
        if let token = try secrets.value(hook.tokenEnv) {
            headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
            secretValues.append(token)
        }
        let payload: String
        switch hook.encoding {
        case .form:
            var pairs: [(String, String)] = []
            for (name, value) in hook.body.sorted(by: { $0.key < $1.key }) {
                pairs.append((name, value.stringValue != nil ? try render(value.stringValue ?? "", "body.\(name)") : DeliveryParser.scalarText(value)))
            }
            payload = FormEncoding.encode(pairs)
            headers.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
        case .json:
            payload = try JSONText.value(.object(hook.body), field: "body", render)
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        var request = HTTPRequest(method: hook.method, url: hook.url, headers: headers, body: Array(payload.utf8))
        request.secretValues = secretValues
        return request
    }
}

extension SMSRequest {
    /// The job's headers with each `${NAME}` read from the environment now; the values read
    /// join `secretValues`, so that they are redacted wherever an answer quotes them.
    static func resolvedHeaders(_ configured: [String: String], secrets: Secrets, secretValues: inout [String]) throws(SendFailure) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        for (name, value) in configured.sorted(by: { $0.key < $1.key }) {
            var read: [String] = []
            let resolved = try EnvironmentReference.substitute(value) { (variable) throws(SendFailure) -> String in
                let secret = try secrets.value(variable) ?? ""
                read.append(secret)
                return secret
            }
            secretValues += read
            headers.append(HTTPHeader(HeaderSafety.strippingLineBreaks(name), HeaderSafety.strippingLineBreaks(resolved)))
        }
        return headers
    }
}

/// `application/x-www-form-urlencoded` (WHATWG URL): unreserved bytes as they are, space as `+`, the rest %XX.
enum FormEncoding {
    static func escape(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }
}

/// JSON text written by hand: keys in sorted order, numbers as JSON writes them,
/// string leaves passed through `leaf` (the SMS templates) before they are quoted.
enum JSONText {
    static func value(_ value: JSONValue, field: String, _ leaf: (String, String) throws(SendFailure) -> String) throws(SendFailure) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return number(n)
        case .string(let source): return string(try leaf(source, field))
        case .array(let items):
            var parts: [String] = []
            for (i, item) in items.enumerated() { parts.append(try self.value(item, field: "\(field)[\(i)]", leaf)) }
            return "[" + parts.joined(separator: ",") + "]"
        case .object(let fields):
            var parts: [String] = []
            for (name, item) in fields.sorted(by: { $0.key < $1.key }) {
                parts.append(string(name) + ":" + (try self.value(item, field: "\(field).\(name)", leaf)))
            }
            return "{" + parts.joined(separator: ",") + "}"
        }
    }

    /// Whole numbers without a fraction (a gateway reading `5.0` as a float may refuse it).
    static func number(_ n: Double) -> String {
        if n.isFinite, n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return n.isFinite ? "\(n)" : "null"
    }

    static func string(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
