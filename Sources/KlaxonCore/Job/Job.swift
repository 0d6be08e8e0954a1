import Foundation

/// A loaded, validated job: what one cron line runs.
public struct Job: Sendable {
    /// The job file's absolute path; relative paths inside it resolve against its folder.
    public var file: String
    public var name: String
    /// How often cron runs the job; half of it is the repeat tolerance (behaviour.md "Alerts and the state machine").
    public var interval: TimeSpan
    public var stateDirectory: String
    public var brand: String
    public var balances: InputSettings?
    public var cdrs: InputSettings?
    public var templates: TemplateSet
    public var email: EmailSettings?
    public var sms: SMSSettings?
    public var penalties: PenaltySettings
    public var delivery: DeliverySettings
    public var alerts: [AlertDefinition]
    /// Mail the `klaxon report` of every run (the nightly report).
    public var report: ReportMailSettings? = nil
    /// Where relative paths were resolved, when not the job file's folder (`klaxon replay`).
    public var baseFolder: String? = nil
    /// How far behind `now` every window ends, for exports that arrive late (behaviour.md "Feed health and live files").
    public var lag = TimeSpan(seconds: 0)
    /// Where each run writes its Prometheus metrics (behaviour.md "Feed health and live files"); nil writes none.
    public var metricsFile: String? = nil
    /// Whether e-mail and SMS go out per event or as one digest per address and run (behaviour.md "Grouped notifications").
    public var notify = NotifySettings()
    /// Recurring windows that silence alerts (`maintenance`).
    public var maintenance: [MaintenanceWindow] = []
    /// Who hears about the job itself: a stale feed (behaviour.md "Feed health and live files").
    public var operators: [Recipient] = []
    /// The job's `timezone` (behaviour.md "The operator's time and trends"): how times are shown to people, where calendar windows begin.
    public var shownTime = ShownTime.utc
    /// Alert webhooks by name (behaviour.md "Alert webhooks"), reached with `to: ["webhook:NAME"]`.
    public var webhooks: [String: AlertWebhook] = [:]
    /// The numbering plan per-destination alerts group calls by (behaviour.md "Destinations, fraud rules and baselines").
    public var destinations: DestinationTable? = nil

    /// The folder relative paths start from, and script alerts run in.
    public var folder: String { baseFolder ?? (file as NSString).deletingLastPathComponent }

    /// The longest sample period of any alert: how far back buckets are kept.
    public var longestWindow: TimeSpan {
        alerts.compactMap(\.samplePeriod).max() ?? TimeSpan(seconds: 3_600)
    }
}

/// One drop-folder input (behaviour.md "Inputs").
public struct InputSettings: Sendable {
    public var path: String
    public var pattern: String
    public var format: InputFormat
    /// Field name → header name (or 0-based column index for headerless formats).
    public var columns: [String: ColumnRef]
    /// Zone for timestamps written without one; nil means UTC.
    public var timezone: TimeZone?
    /// A file modified more recently than this (wall clock) is still being written.
    public var settle: TimeSpan
    /// Whole files, or one file appended to (behaviour.md "Feed health and live files").
    public var mode: InputMode = .files
    /// How often something new must arrive; nil watches nothing.
    public var feed: FeedExpectation? = nil
    /// Set when the CDRs are pulled from ClickHouse instead of read from `path` (behaviour.md "Pulling from ClickHouse").
    public var clickhouse: ClickHouseSettings? = nil
}

/// Where a field lives in a CSV file: by header name or by position.
public enum ColumnRef: Sendable, Equatable {
    case header(String)
    case index(Int)
}

public enum InputFormat: String, Sendable, CaseIterable {
    case connexcs, freeswitch, asterisk, buckets
}

/// Delivery retry policy (behaviour.md "Notifications").
public struct DeliverySettings: Sendable {
    public var giveUpAfter: TimeSpan = TimeSpan(seconds: 86_400)
    /// The first retry waits this long; each later one twice as long as the one before.
    public var retryBackoff: TimeSpan = TimeSpan(seconds: 300)
}

public struct EmailSettings: Sendable {
    public enum StartTLS: String, Sendable { case required, off }
    public var url: String
    public var from: String
    public var usernameEnv: String?
    public var passwordEnv: String?
    public var starttls: StartTLS
    public var connectTimeout: TimeSpan
    public var timeout: TimeSpan
    /// A CA bundle to trust instead of the system's (private relays, tests).
    public var caFile: String?
    /// The job says credentials may cross a plain connection to a host that is not loopback.
    public var allowPlaintextCredentials = false
}

public struct SMSSettings: Sendable {
    public enum Provider: Sendable {
        case twilio(accountEnv: String, tokenEnv: String, from: String, baseURL: String)
        case webhook(WebhookSMS)
    }
    public enum BodyEncoding: String, Sendable { case form, json }
    public var provider: Provider
    public var timeout: TimeSpan
    /// A CA bundle to trust instead of the system's (a gateway behind a private CA).
    public var caFile: String? = nil
    /// The most concatenated segments an SMS digest may take (`max_segments`).
    public var maxSegments = SMSSegments.defaultMaxSegments
}

/// An SMS gateway spoken to with the job's own request shape.
public struct WebhookSMS: Sendable {
    public var url: String
    public var method: String
    /// Values may name environment variables as `${NAME}`; they are read at send time.
    public var headers: [String: String]
    public var encoding: SMSSettings.BodyEncoding
    /// The body's fields with their JSON types; string leaves are templates over `{{to}}` and `{{body}}`.
    public var body: [String: JSONValue]
    /// Sent as `Authorization: Bearer …`.
    public var tokenEnv: String?
}

public struct PenaltySettings: Sendable {
    /// The CSV of currently disabled companies, for the switch to import; nil = not written.
    public var file: String?
    /// The append-only apply/lift log.
    public var log: String
    public var webhook: WebhookSettings?
    /// Permission bits for the penalties file (e.g. 0o640 for a switch importing as
    /// another user of the group); nil keeps the file's current mode, 0600 when new.
    public var fileMode: UInt16? = nil
}

public struct WebhookSettings: Sendable {
    public var url: String
    public var method: String
    public var tokenEnv: String?
    /// A CA bundle to trust instead of the system's.
    public var caFile: String? = nil
}
