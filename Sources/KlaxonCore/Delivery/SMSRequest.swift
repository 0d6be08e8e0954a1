import Foundation

/// Builds the HTTP request that hands one SMS to the job's provider (SPEC §7).
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
        case .webhook(let url, let method, let headers, let encoding, let fields):
            // Each field is a template over {{to}} and {{body}}, rendered raw and then escaped
            // once for the body's encoding, so no value can break out of its field.
            let context: TemplateValue = .object(["to": .string(to), "body": .string(body)])
            var values: [(String, String)] = []
            for (name, source) in fields.sorted(by: { $0.key < $1.key }) {
                let rendered: String
                do { rendered = try Template(source: source, name: "sms.body.\(name)").render(context, escapeHTML: false) } catch {
                    throw SendFailure("sms.body.\(name): \(error.description)")
                }
                values.append((name, rendered))
            }
            var httpHeaders = headers.sorted { $0.key < $1.key }.map { HTTPHeader(HeaderSafety.strippingLineBreaks($0.key), HeaderSafety.strippingLineBreaks($0.value)) }
            let payload: String
            switch encoding {
            case .form:
                payload = FormEncoding.encode(values)
                httpHeaders.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded"))
            case .json:
                payload = JSONBody.object(values)
                httpHeaders.append(HTTPHeader("Content-Type", "application/json"))
            }
            return HTTPRequest(method: method, url: url, headers: httpHeaders, body: Array(payload.utf8))
        }
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

/// A flat JSON object of strings, keys in the given order.
enum JSONBody {
    static func object(_ pairs: [(String, String)]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let quoted = { (s: String) in String(decoding: (try? encoder.encode(s)) ?? Data("\"\"".utf8), as: UTF8.self) }
        return "{" + pairs.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}"
    }
}
