import Foundation

/// Delivers outbox items for real: e-mail over SMTP, SMS and penalty webhooks
/// over HTTP, all through libcurl. Success is a completed SMTP transaction or
/// a 2xx answer; anything else is a `SendFailure` that keeps the item in the outbox.
public struct TransportSink: DeliverySink {
    let job: Job
    let secrets: Secrets
    let mail: (any MailTransport)?
    let http: any HTTPTransport

    public init(job: Job, secrets: Secrets = Secrets(), mail: (any MailTransport)? = nil, http: (any HTTPTransport)? = nil) {
        self.job = job
        self.secrets = secrets
        self.mail = mail
        let timeout = job.sms?.timeout.seconds ?? 30
        self.http = http ?? CurlHTTPTransport(timeouts: .init(connect: .seconds(10), total: .seconds(timeout)))
    }

    public func deliver(_ item: OutboxItem) throws(SendFailure) {
        switch item.channel {
        case .email: try sendEmail(item)
        case .sms: try sendSMS(item)
        case .webhook: try callWebhook(item)
        case .penaltyLog: return
        }
    }

    private func sendEmail(_ item: OutboxItem) throws(SendFailure) {
        guard let settings = job.email, let from = MailAddress.parse(settings.from) else {
            throw SendFailure("the job has no usable `email` settings")
        }
        let transport: any MailTransport
        if let mail {
            transport = mail
        } else {
            let username = try secrets.value(settings.usernameEnv)
            let password = try secrets.value(settings.passwordEnv)
            transport = SMTPTransport(.init(
                url: settings.url, starttls: settings.starttls == .off ? .off : .required,
                username: username, password: password,
                connectTimeout: .seconds(settings.connectTimeout.seconds), totalTimeout: .seconds(settings.timeout.seconds),
                caFile: settings.caFile))
        }
        do {
            try transport.send(Array(item.payload.utf8), from: from.address, to: item.recipients)
        } catch {
            throw SendFailure(error.description)
        }
    }

    private func sendSMS(_ item: OutboxItem) throws(SendFailure) {
        guard let settings = job.sms else { throw SendFailure("the job has no `sms` settings") }
        guard let data = item.payload.data(using: .utf8),
              let message = try? JSONDecoder().decode([String: String].self, from: data),
              let to = message["to"], let body = message["body"] else {
            throw SendFailure("the outbox item \(item.id) holds no SMS")
        }
        try expect2xx(SMSRequest.make(to: to, body: body, settings: settings, secrets: secrets), what: "the SMS provider")
    }

    private func callWebhook(_ item: OutboxItem) throws(SendFailure) {
        guard let hook = job.penalties.webhook else { throw SendFailure("the job has no `penalties.webhook`") }
        var headers = [HTTPHeader("Content-Type", "application/json")]
        if let token = try secrets.value(hook.tokenEnv) { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        try expect2xx(HTTPRequest(method: hook.method, url: hook.url, headers: headers, body: Array(item.payload.utf8)), what: "the penalty webhook")
    }

    private func expect2xx(_ request: HTTPRequest, what: String) throws(SendFailure) {
        let response: HTTPResponse
        do { response = try http.send(request) } catch { throw SendFailure(error.description) }
        guard (200..<300).contains(response.status) else {
            // The provider's own error text is what tells an operator what to fix; a gateway may
            // quote the credentials it refuses, so they are redacted before the text is cut.
            let answer = Redaction.apply(request.secrets, to: String(decoding: response.body, as: UTF8.self))
            let text = String(answer.prefix(300)).replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            throw SendFailure("\(what) answered HTTP \(response.status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
