/// Reads the `email`, `sms`, `penalties` and `delivery` sections of a job.
/// Secrets are never read here: only the names of the variables that hold them.
enum DeliveryParser {
    static func email(_ r: inout ObjectReader, resolve: (String) -> String) -> EmailSettings? {
        guard var e = r.object("email") else { return nil }
        defer { e.rejectUnknownKeys(); r.absorb(e) }
        let url = e.string("url", required: true)
        if let url, !(url.hasPrefix("smtp://") || url.hasPrefix("smtps://")) {
            e.problem("url", "\"\(url)\" is not an smtp:// or smtps:// URL")
        }
        let from = e.string("from", required: true)
        if let from, MailAddress.parse(from) == nil {
            e.problem("from", "malformed address \"\(from)\"")
        }
        let starttlsText = e.string("starttls") ?? "required"
        let starttls = EmailSettings.StartTLS(rawValue: starttlsText)
        if starttls == nil { e.problem("starttls", "write \"required\" (the default) or \"off\"") }
        var settings = EmailSettings(
            url: url ?? "", from: from ?? "",
            usernameEnv: e.string("username_env"), passwordEnv: e.string("password_env"),
            starttls: starttls ?? .required,
            connectTimeout: e.duration("connect_timeout") ?? TimeSpan(seconds: 10),
            timeout: e.duration("timeout") ?? TimeSpan(seconds: 60),
            caFile: e.string("ca_file").map(resolve))
        settings.allowPlaintextCredentials = e.bool("allow_plaintext_credentials") ?? false
        let credentials = settings.usernameEnv != nil || settings.passwordEnv != nil
        if credentials, settings.starttls == .off, !settings.allowPlaintextCredentials,
           EndpointRules.isPlainToAnotherHost(settings.url, plainScheme: "smtp") {
            e.problem("starttls", EndpointRules.plaintextProblem("with starttls \"off\", the SMTP login", settings.url))
        }
        return settings
    }

    static func sms(_ r: inout ObjectReader, resolve: (String) -> String) -> SMSSettings? {
        guard var s = r.object("sms") else { return nil }
        defer { s.rejectUnknownKeys(); r.absorb(s) }
        let timeout = s.duration("timeout") ?? TimeSpan(seconds: 30)
        let caFile = s.string("ca_file").map(resolve)
        let allowPlain = s.bool("allow_plaintext_credentials") ?? false
        let maxSegments = NotifyParser.maxSegments(&s)
        switch s.string("provider", required: true) {
        case "twilio":
            let account = s.string("account_env", required: true) ?? ""
            let token = s.string("token_env", required: true) ?? ""
            let from = s.string("from", required: true) ?? ""
            if !from.isEmpty, !PhoneNumber.isValid(from) { s.problem("from", "malformed phone number \"\(from)\"; write E.164 such as +15550100") }
            let base = s.string("base_url") ?? "https://api.twilio.com"
            if let problem = EndpointRules.httpURLProblem(base) {
                s.problem("base_url", problem)
            } else if !allowPlain, EndpointRules.isPlainToAnotherHost(base, plainScheme: "http") {
                s.problem("base_url", EndpointRules.plaintextProblem("the Twilio account token", base))
            }
            return SMSSettings(provider: .twilio(accountEnv: account, tokenEnv: token, from: from, baseURL: base), timeout: timeout, caFile: caFile, maxSegments: maxSegments)
        case "webhook":
            guard let hook = webhookSMS(&s, allowPlain: allowPlain) else { return nil }
            return SMSSettings(provider: .webhook(hook), timeout: timeout, caFile: caFile, maxSegments: maxSegments)
        case let other?:
            s.problem("provider", "unknown provider \"\(other)\"; use twilio or webhook")
            return nil
        case nil:
            return nil
        }
    }

    static func penalties(_ r: inout ObjectReader, resolve: (String) -> String, stateDirectory: String) -> PenaltySettings {
        guard var p = r.object("penalties") else {
            return PenaltySettings(file: nil, log: stateDirectory + "/penalties.log", webhook: nil)
        }
        defer { p.rejectUnknownKeys(); r.absorb(p) }
        let file = p.string("file").map(resolve)
        let log = p.string("log").map(resolve) ?? stateDirectory + "/penalties.log"
        var webhook: WebhookSettings?
        if var w = p.object("webhook") {
            let url = w.string("url", required: true) ?? ""
            let method = (w.string("method") ?? "POST").uppercased()
            let tokenEnv = w.string("token_env")
            if w.has("url"), let problem = EndpointRules.httpURLProblem(url) { w.problem("url", problem) }
            if let problem = EndpointRules.methodProblem(method) { w.problem("method", problem) }
            // Read whether or not a token is set, so that the field is never "unknown".
            let allowPlaintext = w.bool("allow_plaintext_credentials") ?? false
            if tokenEnv != nil, !allowPlaintext, EndpointRules.isPlainToAnotherHost(url, plainScheme: "http") {
                w.problem("url", EndpointRules.plaintextProblem("the webhook's token", url))
            }
            webhook = WebhookSettings(url: url, method: method, tokenEnv: tokenEnv, caFile: w.string("ca_file").map(resolve))
            w.rejectUnknownKeys()
            p.absorb(w)
        }
        var settings = PenaltySettings(file: file, log: log, webhook: webhook)
        if let text = p.string("mode") {
            if text.count == 4, text.hasPrefix("0"), let mode = UInt16(text, radix: 8) {
                settings.fileMode = mode
            } else {
                p.problem("mode", "\"\(text)\" is not a file mode; write four octal digits such as \"0640\"")
            }
        }
        return settings
    }

    static func delivery(_ r: inout ObjectReader) -> DeliverySettings {
        var settings = DeliverySettings()
        guard var d = r.object("delivery") else { return settings }
        if let g = d.duration("give_up_after") { settings.giveUpAfter = g }
        if let b = d.duration("retry_backoff") { settings.retryBackoff = b }
        d.rejectUnknownKeys()
        r.absorb(d)
        return settings
    }
}

/// E.164 numbers: `+`, then 8 to 15 digits, the first not 0.
public enum PhoneNumber {
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 9, bytes.count <= 16, bytes[0] == UInt8(ascii: "+"), bytes[1] != UInt8(ascii: "0") else { return false }
        return bytes.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
