import Foundation

/// What a delivery endpoint in the job must look like, checked when the job is
/// loaded so that `check` and every run refuse the same things.
enum EndpointRules {
    /// Methods that carry a body: an SMS or a penalty action is always sent as one.
    static let methods = ["POST", "PUT", "PATCH"]

    /// Why `url` is no usable http(s) URL, or nil.
    static func httpURLProblem(_ url: String) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            return "\"\(url)\" is not a URL; write e.g. https://sms.example.com/send"
        }
        guard scheme == "http" || scheme == "https" else {
            return "\"\(url)\" is not an http:// or https:// URL"
        }
        guard let host = parts.host, !host.isEmpty else {
            return "\"\(url)\" names no host; write e.g. https://sms.example.com/send"
        }
        return nil
    }

    static func methodProblem(_ method: String) -> String? {
        methods.contains(method) ? nil : "unknown method \"\(method)\"; write \(methods.dropLast().joined(separator: ", ")) or \(methods.last ?? "")"
    }

    /// True for a URL whose scheme sends everything in clear to a host other than this machine.
    static func isPlainToAnotherHost(_ url: String, plainScheme: String) -> Bool {
        guard let parts = URLComponents(string: url), parts.scheme?.lowercased() == plainScheme else { return false }
        return !isLoopback(parts.host ?? "")
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        // 127.0.0.0/8 only as an address: a name such as 127.example.net is anyone's host.
        var address = in_addr()
        return inet_pton(AF_INET, bare, &address) == 1 && bare.hasPrefix("127.")
    }

    static func plaintextProblem(_ what: String, _ url: String) -> String {
        let host = URLComponents(string: url)?.host ?? url
        return "\(what) would cross a plain connection to \(host) in clear; use TLS (https://, smtps:// or STARTTLS), "
            + "or, on a network you trust, write allow_plaintext_credentials: true"
    }
}
