import Foundation
import KlaxonSystem

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
