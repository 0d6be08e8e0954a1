import Foundation
import KlaxonSystem

/// Delivers outbox items for real: e-mail over SMTP, SMS and penalty webhooks
/// over HTTP, all through libcurl. Success is a completed SMTP transaction or
/// a 2xx answer; anything else is a `SendFailure` that keeps the item in the outbox.
public struct TransportSink: DeliverySink {
    let job: Job
    let secrets: Secrets
    /// A mail transport given by a test; otherwise SMTP over libcurl, one connection per run (`TransportSession`).
    let mail: (any MailTransport)?
    /// A transport given by a test; otherwise each channel gets libcurl with its own CA file.
    let http: (any HTTPTransport)?
    /// A run's kept HTTP connections (`TransportSession`); nil: one connection per request.
    var connections: HTTPConnections?

    public init(job: Job, secrets: Secrets = Secrets(), mail: (any MailTransport)? = nil, http: (any HTTPTransport)? = nil) {
        self.job = job
        self.secrets = secrets
        self.mail = mail
        self.http = http
    }

    private func httpTransport(caFile: String?) -> any HTTPTransport {
        if let http { return http }
        let timeout = job.sms?.timeout.seconds ?? 30
        return CurlHTTPTransport(timeouts: .init(connect: .seconds(10), total: .seconds(timeout)), caFile: caFile, connections: connections)
    }

    public func deliver(_ item: OutboxItem) throws(SendFailure) {
        switch item.channel {
        case .email: try sendEmail(item)
        case .sms: try sendSMS(item)
        case .webhook:
            if let name = Self.webhookName(of: item) { try callAlertWebhook(item, name: name) } else { try callWebhook(item) }
        case .penaltyLog: return
        }
    }

    private func sendEmail(_ item: OutboxItem) throws(SendFailure) {
        if let mail {
            try sendEmail(item) { (message, from, to, _) throws(DeliveryError) in try mail.send(message, from: from, to: to) }
        } else {
            try sendEmail(item) { (message, from, to, settings) throws(DeliveryError) in try SMTPTransport(settings).send(message, from: from, to: to) }
        }
    }

    /// Checks the item and the job's `email`, reads the login from the environment
    /// and hands the message to `send` with the settings of the SMTP transport.
    func sendEmail(_ item: OutboxItem,
                   _ send: ([UInt8], String, [String], SMTPTransport.Settings) throws(DeliveryError) -> Void) throws(SendFailure) {
        guard let settings = job.email, let from = MailAddress.parse(settings.from) else {
            throw SendFailure("the job has no usable `email` settings")
        }
        let username = try secrets.value(settings.usernameEnv)
        let password = try secrets.value(settings.passwordEnv)
        // With a login, "off" still takes the STARTTLS a server offers: the password never
        // goes in clear where it need not (the job was refused if it would have to, see EndpointRules).
        let login = username != nil || password != nil
        let smtp = SMTPTransport.Settings(
            url: settings.url, starttls: settings.starttls == .required ? .required : login ? .whenOffered : .off,
            username: username, password: password,
            connectTimeout: .seconds(settings.connectTimeout.seconds), totalTimeout: .seconds(settings.timeout.seconds),
            caFile: settings.caFile)
        do {
            try send(Array(item.payload.utf8), from.address, item.recipients, smtp)
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
        try expect2xx(SMSRequest.make(to: to, body: body, settings: settings, secrets: secrets), what: "the SMS provider", caFile: settings.caFile)
    }

    private func callWebhook(_ item: OutboxItem) throws(SendFailure) {
        guard let hook = job.penalties.webhook else { throw SendFailure("the job has no `penalties.webhook`") }
        let headers = [HTTPHeader("Content-Type", "application/json")]
        var request = HTTPRequest(method: hook.method, url: hook.url, headers: headers, body: Array(item.payload.utf8))
        if let token = try secrets.value(hook.tokenEnv) {
            request.headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
            request.secretValues.append(token)
        }
        try expect2xx(request, what: "the penalty webhook", caFile: hook.caFile)
    }

    private func expect2xx(_ request: HTTPRequest, what: String, caFile: String?) throws(SendFailure) {
        let response: HTTPResponse
        do { response = try httpTransport(caFile: caFile).send(request) } catch { throw SendFailure(error.description) }
        guard (200..<300).contains(response.status) else {
            // The provider's own error text is what tells an operator what to fix; a gateway may
            // quote the credentials it refuses, so they are redacted before the text is cut.
            let answer = Redaction.apply(request.secrets, to: String(decoding: response.body, as: UTF8.self))
            let text = String(answer.prefix(300)).replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            throw SendFailure("\(what) answered HTTP \(response.status)\(text.isEmpty ? "" : ": \(text)")")
        }
    }
}
