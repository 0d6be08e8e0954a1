/// One entry of the job's `webhooks`: an endpoint alerts reach with `to: ["webhook:NAME"]`.
/// Secrets are never held here: only the names of the variables that hold them.
public struct AlertWebhook: Sendable {
    /// The shape of the body: each preset sends what its service documents.
    public enum Preset: String, Sendable, CaseIterable {
        case slack, teams, pagerduty, alertmanager, json
    }

    public var name: String
    public var preset: Preset
    /// Written in the job, or nil when the URL comes from `urlEnv` (a Slack or Teams
    /// URL carries its own credential, so it is often kept out of the job file).
    public var url: String?
    public var urlEnv: String?
    public var method = "POST"
    /// Values may name environment variables as `${NAME}`; they are read at send time.
    public var headers: [String: String] = [:]
    /// Sent as `Authorization: Bearer …`.
    public var tokenEnv: String?
    /// PagerDuty's integration key, put into the body at send time (never stored in the outbox).
    public var routingKeyEnv: String?
    /// `json` preset: the body, any JSON whose string leaves are templates.
    public var body: JSONValue?
    /// PagerDuty's `payload.source`; the job's name when not written.
    public var source: String?
    /// Alertmanager's `generatorURL`.
    public var generatorURL: String?
    public var timeout = TimeSpan(seconds: 30)
    public var caFile: String?
    /// The job says credentials may cross a plain connection to a host that is not loopback.
    public var allowPlaintextCredentials = false

    /// Whether sending carries a credential besides the URL itself.
    var hasCredentials: Bool {
        tokenEnv != nil || routingKeyEnv != nil || headers.values.contains { !EnvironmentReference.names(in: $0).isEmpty }
    }

    public init(name: String, preset: Preset) {
        self.name = name
        self.preset = preset
    }

    /// The recipient as written in an alert's `to`.
    public var recipient: String { "webhook:\(name)" }
}

extension Job {
    /// The variables the job's webhooks read (URL, token, routing key, `${…}` in headers), with their settings.
    var webhookSecretVariables: [(String, String?)] {
        var list: [(String, String?)] = []
        for (name, hook) in webhooks.sorted(by: { $0.key < $1.key }) {
            list += [("webhooks.\(name).url_env", hook.urlEnv), ("webhooks.\(name).token_env", hook.tokenEnv),
                     ("webhooks.\(name).routing_key_env", hook.routingKeyEnv)]
            for (header, value) in hook.headers.sorted(by: { $0.key < $1.key }) {
                list += EnvironmentReference.names(in: value).map { ("webhooks.\(name).headers.\(header)", $0) }
            }
        }
        return list
    }
}
