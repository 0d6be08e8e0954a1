import Foundation

extension Job {
    /// Every environment variable the job names as holding a secret, with the setting
    /// that names it: what `check` looks for, and what a script must not inherit.
    public var secretVariables: [(setting: String, name: String)] {
        var list: [(String, String?)] = [("email.username_env", email?.usernameEnv), ("email.password_env", email?.passwordEnv),
                                         ("penalties.webhook.token_env", penalties.webhook?.tokenEnv)]
        list += [("inputs.cdrs.clickhouse.user_env", cdrs?.clickhouse?.userEnv), ("inputs.cdrs.clickhouse.password_env", cdrs?.clickhouse?.passwordEnv)]
        switch sms?.provider {
        case .twilio(let account, let token, _, _)?:
            list += [("sms.account_env", account), ("sms.token_env", token)]
        case .webhook(let hook)?:
            list.append(("sms.token_env", hook.tokenEnv))
            for (header, value) in hook.headers.sorted(by: { $0.key < $1.key }) {
                list += EnvironmentReference.names(in: value).map { ("sms.headers.\(header)", $0) }
            }
        case nil:
            break
        }
        list += webhookSecretVariables
        return list.compactMap { setting, name in name.map { (setting, $0) } }
    }
}

/// `${NAME}` in a setting's value: the value of an environment variable, read at send time.
enum EnvironmentReference {
    static func names(in text: String) -> [String] {
        var names: [String] = []
        _ = substitute(text) { names.append($0); return "" }
        return names
    }

    /// `text` with each `${NAME}` replaced by `value(NAME)`; anything else is left as written.
    static func substitute<Failure: Error>(_ text: String, _ value: (String) throws(Failure) -> String) throws(Failure) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let name = rest[open.upperBound..<close]
            out += rest[..<open.lowerBound]
            if isName(name) {
                out += try value(String(name))
            } else {
                out += rest[open.lowerBound...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func isName(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
