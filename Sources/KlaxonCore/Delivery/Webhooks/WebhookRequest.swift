import Foundation

/// The HTTP request for one alert webhook item: the stored body, with the secrets the
/// job names read from the environment now (URL, token, routing key, `${…}` in headers).
enum WebhookRequest {
    static func make(_ hook: AlertWebhook, payload: String, secrets: Secrets) throws(SendFailure) -> HTTPRequest {
        var secretValues: [String] = []
        var url = hook.url ?? ""
        if let fromEnvironment = try secrets.value(hook.urlEnv) {
            url = fromEnvironment
            // A Slack or Teams URL is its own credential: its path and query are redacted wherever it
            // is shown, so an error still names the host to check ("https://hooks.slack.com[redacted]").
            if let parts = URLComponents(string: fromEnvironment) {
                if parts.path.count > 1 { secretValues.append(parts.path) }
                if let query = parts.query, !query.isEmpty { secretValues.append(query) }
            } else {
                secretValues.append(fromEnvironment)
            }
            if let problem = EndpointRules.httpURLProblem(url) {
                throw SendFailure("webhooks.\(hook.name).url_env: the value of \(hook.urlEnv ?? "") is no usable URL (\(Redaction.apply(secretValues, to: problem)))")
            }
            // The rule `check` applies to a written URL, applied when the URL is known.
            if hook.hasCredentials, !hook.allowPlaintextCredentials, EndpointRules.isPlainToAnotherHost(url, plainScheme: "http") {
                throw SendFailure("webhooks.\(hook.name).url_env: " + EndpointRules.plaintextProblem(WebhookParser.credentialWords, url))
            }
        }
        if hook.preset == .alertmanager { url = AlertmanagerAlert.endpoint(url) }
        var body = payload
        if let key = try secrets.value(hook.routingKeyEnv) {
            body = PagerDutyEvent.withRoutingKey(payload, key)
            secretValues.append(key)
        }
        var headers = try SMSRequest.resolvedHeaders(hook.headers, secrets: secrets, secretValues: &secretValues)
        // A receiver wanting e.g. "application/vnd.api+json" says so in `headers`.
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.insert(HTTPHeader("Content-Type", "application/json"), at: 0) }
        if let token = try secrets.value(hook.tokenEnv) {
            headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
            secretValues.append(token)
        }
        var request = HTTPRequest(method: hook.method, url: url, headers: headers, body: Array(body.utf8))
        request.secretValues = secretValues
        return request
    }
}

/// How an alert webhook's answer is judged (SPEC §19): 2xx delivered; 429 and 5xx
/// retried, not before the answer's `Retry-After`; any other 4xx dead at once, since the
/// same request would be refused again; anything else retried with the usual backoff.
enum WebhookAnswer {
    static func judge(_ response: HTTPResponse, request: HTTPRequest, what: String) throws(SendFailure) {
        let status = response.status
        guard !(200..<300).contains(status) else { return }
        // The receiver's own first line is what tells an operator what to fix; it may quote a credential.
        let answer = Redaction.apply(request.secrets, to: String(decoding: response.body, as: UTF8.self))
        let firstLine = answer.split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)).trimmingCharacters(in: .whitespaces) } ?? ""
        let message = "\(what) answered HTTP \(status)\(firstLine.isEmpty ? "" : ": \(PrintableText.make(firstLine))")"
        if status == 429 || (500..<600).contains(status) {
            throw SendFailure(message, permanent: false, retryAfter: response.retryAfter)
        }
        throw SendFailure(message, permanent: (400..<500).contains(status), retryAfter: nil)
    }
}

extension TransportSink {
    /// An item of a job webhook (`to: ["webhook:NAME"]`), as opposed to a penalty webhook call.
    static func webhookName(of item: OutboxItem) -> String? {
        guard item.channel == .webhook, let first = item.recipients.first, first.hasPrefix(WebhookParser.recipientPrefix) else { return nil }
        return String(first.dropFirst(WebhookParser.recipientPrefix.count))
    }

    func callAlertWebhook(_ item: OutboxItem, name: String) throws(SendFailure) {
        guard let hook = job.webhooks[name] else {
            throw SendFailure("the job no longer has webhook \"\(name)\"", permanent: true, retryAfter: nil)
        }
        let request = try WebhookRequest.make(hook, payload: item.payload, secrets: secrets)
        let transport = http ?? CurlHTTPTransport(timeouts: .init(connect: .seconds(10), total: .seconds(hook.timeout.seconds)), caFile: hook.caFile)
        let response: HTTPResponse
        do { response = try transport.send(request) } catch { throw SendFailure(error.description) }
        try WebhookAnswer.judge(response, request: request, what: "webhook \(name) (\(hook.preset.rawValue))")
    }
}
