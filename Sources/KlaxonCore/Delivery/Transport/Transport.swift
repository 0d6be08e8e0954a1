import Foundation
import KlaxonSystem

// The transport layer as the rest of Klaxon sees it: two protocols, the HTTP
// value types, and the one error type. Nothing here mentions libcurl, so the
// callers can be tested with fakes.

/// Sends one complete e-mail message to a set of envelope recipients.
public protocol MailTransport: Sendable {
    /// - Parameters:
    ///   - message: the complete RFC 5322 message (headers, blank line, body), CRLF line endings.
    ///   - envelopeFrom: the SMTP envelope sender (MAIL FROM), a bare address without angle brackets.
    ///   - recipients: the SMTP envelope recipients (RCPT TO), bare addresses; all in one transaction.
    func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) throws(DeliveryError)
}

/// Performs one HTTP request. A non-2xx status is returned, not thrown: the caller judges it.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws(DeliveryError) -> HTTPResponse
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public struct HTTPRequest: Sendable {
    public struct BasicAuth: Sendable, Equatable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    public var basicAuth: BasicAuth?
    /// Values read from the environment into headers or the body, whatever their names:
    /// redacted from error text and answers like the credentials found by name.
    public var secretValues: [String] = []

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [], basicAuth: BasicAuth? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.basicAuth = basicAuth
    }
}

// Requests carry passwords and tokens; printing or dumping one must not leak them.
extension HTTPRequest: CustomStringConvertible, CustomReflectable {
    public var description: String {
        let auth = basicAuth.map { " basic-auth user \($0.user)" } ?? ""
        return "\(method) \(RedactedURL.display(url)) (\(headers.count) headers, \(body.count) body bytes\(auth))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}

extension HTTPRequest {
    /// Everything in the request that may be a credential, for redacting error text and
    /// answers: the Basic password (plain and as sent), the values of credential-like
    /// headers (whole, and without their scheme, "Bearer …"), long values in the query
    /// and a password in the URL.
    var secrets: [String] {
        var secrets = secretValues
        if let auth = basicAuth {
            secrets += [auth.password, Printable.base64("\(auth.user):\(auth.password)")]
        }
        let sensitive = ["auth", "token", "key", "secret", "signature", "cookie", "password"]
        for header in headers where sensitive.contains(where: header.name.lowercased().contains) {
            secrets.append(header.value)
            // A gateway refusing "Bearer abc" tends to quote "abc".
            if let space = header.value.firstIndex(of: " ") {
                let credential = header.value[header.value.index(after: space)...].trimmingCharacters(in: .whitespaces)
                if !credential.isEmpty { secrets.append(credential) }
            }
        }
        if let query = URLComponents(string: url)?.queryItems {
            secrets += query.compactMap(\.value).filter { $0.count >= 6 }
        }
        if let password = URLComponents(string: url)?.password {
            secrets.append(password)
        }
        return secrets
    }
}

public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: [UInt8]
    /// True when the server sent more than the transport keeps; `body` then holds the first part.
    public var bodyTruncated: Bool
    /// Seconds the server asked the client to wait (`Retry-After`), when it said.
    public var retryAfter: Int64? = nil

    public init(status: Int, body: [UInt8], bodyTruncated: Bool = false) {
        self.status = status
        self.body = body
        self.bodyTruncated = bodyTruncated
    }
}

/// Shows a URL in error text without its user-info, query or fragment, where
/// SMS gateways and mail URLs tend to carry credentials.
enum RedactedURL {
    static func display(_ url: String) -> String {
        var text = Substring(url)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = text[..<cut]
        }
        // Drop "user:password@" between "//" and the first "/" after it.
        if let slashes = text.range(of: "//") {
            let authorityEnd = text[slashes.upperBound...].firstIndex(of: "/") ?? text.endIndex
            if let at = text[slashes.upperBound..<authorityEnd].lastIndex(of: "@") {
                text = text[..<slashes.upperBound] + text[text.index(after: at)...]
            }
        }
        let cleaned = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        return cleaned.count > 200 ? String(cleaned.prefix(200)) + "…" : cleaned
    }
}

/// Quotes untrusted text for error messages: control characters are shown
/// escaped so a CR/LF in an address cannot forge extra log lines.
enum Printable {
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(200) {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\"": out += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Base64 of a credential as it may travel on the wire (AUTH PLAIN/LOGIN,
    /// HTTP Basic), so a server echoing it back cannot leak it into error text.
    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }
}
