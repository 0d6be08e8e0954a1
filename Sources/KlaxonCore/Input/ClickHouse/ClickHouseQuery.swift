import Foundation

/// The SQL a pull sends, and the bucket export the docs show: one query per
/// role, put together with UNION ALL, that folds CDRs into the bucket columns
/// of behaviour.md "Pulling from ClickHouse". Written for ClickHouse 18.16 (Debian's package) as much as for
/// the current release: no query parameters, and only functions 18.16 has.
///
/// The inner SELECT gives the table's columns fixed names first, so that an
/// output column may carry the name of an input one (`customer_charge`) without
/// ClickHouse reading the alias inside its own sum.
public struct ClickHouseQuery: Sendable {
    public enum Output: Sendable {
        /// For the pull: minutes as Unix seconds, charges as whole micro-units.
        case pull
        /// A bucket file (`format: "buckets"`): minutes as UTC text, charges as decimals.
        case bucketFile
    }

    public var settings: ClickHouseSettings
    public var output: Output

    public init(settings: ClickHouseSettings, output: Output = .pull) {
        self.settings = settings
        self.output = output
    }

    /// The pull's column names, in order (TabSeparatedWithNames repeats them first).
    public static let pullColumns = ["company", "type", "minute", "attempts", "connected", "ner_successes", "redirects",
                                     "talk_seconds", "pdd_sum_ms", "pdd_count", "customer_charge_micros", "provider_charge_micros", "trailing_failures"]

    /// Every CDR with `dt` in [from, to) (Unix seconds), for both roles.
    public func sql(from: Int64, to: Int64) -> String {
        let format = output == .pull ? "TabSeparatedWithNames" : "CSVWithNames"
        return role("customer", company: .customer_id, from: from, to: to)
            + "\nUNION ALL\n" + role("carrier", company: .provider_id, from: from, to: to)
            + "\nFORMAT \(format)\n"
    }

    /// The shard's companies only, tested on the role's own company column as a String.
    private var shardFilter: String {
        guard output == .pull, let shard = settings.shard else { return "" }
        return " AND " + shard.condition("company")
    }

    private func column(_ field: ClickHouseColumn) -> String { "`\(settings.column(field))`" }

    private func role(_ type: String, company: ClickHouseColumn, from: Int64, to: Int64) -> String {
        let minute = output == .pull ? "toUInt32(m)" : "toString(m, 'UTC')"
        let customer = output == .pull ? "cc_sum AS customer_charge_micros" : "\(Self.decimal("cc_sum")) AS customer_charge"
        let provider = output == .pull ? "pc_sum AS provider_charge_micros" : "\(Self.decimal("pc_sum")) AS provider_charge"
        // The last connected second and the failures' seconds give `trailing_failures`, which
        // keeps `consecutive_failures` as the raw CDRs give it (ties within a second excepted);
        // `replicate` because a lambda of 18.16 cannot read a column from outside it.
        return """
        SELECT company, '\(type)' AS type, \(minute) AS minute, attempts, connected, ner_successes, redirects,
               talk_seconds, pdd_sum_ms, pdd_count, \(customer), \(provider),
               arrayCount((x, y) -> x > y, fails, replicate(last_ok, fails)) AS trailing_failures
        FROM (
            SELECT company, toStartOfMinute(t) AS m,
                   count() AS attempts, sum(ok) AS connected,
                   sum(code IN (200, 480, 486, 600, 603)) AS ner_successes,
                   sum(code >= 300 AND code < 400) AS redirects,
                   sum(if(ok, talk, 0)) AS talk_seconds,
                   sum(toInt64(ifNull(p, 0))) AS pdd_sum_ms, count(p) AS pdd_count,
                   sum(cc) AS cc_sum, sum(pc) AS pc_sum,
                   maxIf(toUInt32(t), ok) AS last_ok, groupArrayIf(toUInt32(t), NOT ok) AS fails
            FROM (
                SELECT \(column(.dt)) AS t, toString(\(column(company))) AS company,
                       toInt64(\(column(.sip_code))) AS code, code >= 200 AND code < 300 AS ok,
                       toInt64(\(column(.duration))) AS talk, \(column(.pdd)) AS p,
                       toInt64(round(toFloat64(\(column(.customer_charge))) * 1000000)) AS cc,
                       toInt64(round(toFloat64(\(column(.provider_charge))) * 1000000)) AS pc
                FROM `\(settings.database)`.`\(settings.table)`
                WHERE \(column(.dt)) >= \(Self.time(from)) AND \(column(.dt)) < \(Self.time(to))
            )
            WHERE company != ''\(shardFilter)
            GROUP BY company, m
        )
        """
    }

    /// A UTC time as ClickHouse reads it in every release, whatever the server's or the column's zone.
    static func time(_ seconds: Int64) -> String {
        let iso = ValueFormatter.timestamp(seconds)  // 2026-11-27T00:00:00Z
        return "toDateTime('\(iso.dropLast().replacingOccurrences(of: "T", with: " "))', 'UTC')"
    }

    /// A sum of micro-units as an exact decimal with six places: no float rounding, and
    /// toDecimal/leftPad, which 18.16 lacks, are not needed.
    static func decimal(_ micros: String) -> String {
        "concat(if(\(micros) < 0, '-', ''), toString(intDiv(abs(\(micros)), 1000000)), '.', substring(toString(1000000 + abs(\(micros)) % 1000000), 2, 6))"
    }
}
