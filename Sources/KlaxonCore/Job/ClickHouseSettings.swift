import Foundation

/// `inputs.cdrs.clickhouse` (behaviour.md "Pulling from ClickHouse"): where each run pulls the per-minute
/// per-company sums from, instead of reading CDR files from a drop folder.
public struct ClickHouseSettings: Sendable {
    /// The HTTP interface, e.g. http://127.0.0.1:8123 or https://ch.example:8443.
    public var url: String
    public var database: String
    public var table: String
    public var userEnv: String?
    public var passwordEnv: String?
    /// CDR field → the table's column name; ConnexCS's names by default.
    public var columns: [ClickHouseColumn: String]
    public var caFile: String?
    public var connectTimeout: TimeSpan
    public var timeout: TimeSpan
    /// The job says credentials may cross plain http to a host that is not loopback.
    public var allowPlaintextCredentials = false
    /// Minutes this far before the watermark are pulled again, for CDRs written late.
    public var late: TimeSpan
    /// An answer larger than this is refused (it is held in memory while it is parsed).
    public var maxAnswerBytes: Int
    /// This job's share of the companies when several jobs pull one table; nil: every company.
    public var shard: ClickHouseShard? = nil

    /// The column holding `field`.
    public func column(_ field: ClickHouseColumn) -> String { columns[field] ?? field.rawValue }

    /// "host:port" for messages; never the user or password.
    public var server: String {
        guard let parts = URLComponents(string: url), let host = parts.host else { return url }
        return parts.port.map { "\(host):\($0)" } ?? host
    }
}

/// The CDR columns the pull query reads.
public enum ClickHouseColumn: String, Sendable, CaseIterable {
    case dt, customer_id, provider_id, duration, sip_code, pdd, customer_charge, provider_charge
    /// The called number: read only when a per-destination alert needs its calls.
    case dest_number
}
