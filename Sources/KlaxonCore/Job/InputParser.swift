import Foundation

/// Reads the `inputs.balances` and `inputs.cdrs` sections of a job.
enum InputParser {
    enum Kind: String { case balances, cdrs }

    static func parse(_ r: inout ObjectReader, kind: Kind, resolve: (String) -> String) -> InputSettings? {
        if kind == .cdrs, r.has("clickhouse") { return ClickHouseParser.parse(&r, resolve: resolve) }
        let path = r.string("path", required: true).map(resolve)
        let pattern = r.string("pattern") ?? "*.csv"
        let formatName = r.string("format") ?? InputFormat.connexcs.rawValue
        let format = InputFormat(rawValue: formatName)
        let allowed: [InputFormat] = kind == .balances ? [.connexcs] : InputFormat.allCases
        if format == nil || !allowed.contains(format ?? .connexcs) {
            r.problem("format", "unknown format \"\(formatName)\"; use one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        let settle = r.duration("settle", allowZero: true) ?? TimeSpan(seconds: 10)
        var timezone: TimeZone?
        if let zoneName = r.string("timezone") {
            timezone = TimeZone(identifier: zoneName)
            if timezone == nil { r.problem("timezone", "unknown time zone \"\(zoneName)\"; write an IANA name such as Europe/London") }
        }
        var columns: [String: ColumnRef] = [:]
        if var c = r.object("columns") {
            let known = kind == .balances ? BalanceField.allCases.map(\.rawValue)
                : format == .buckets ? BucketField.allCases.map(\.rawValue) : CDRField.allCases.map(\.rawValue)
            for key in c.object.keys.sorted() {
                guard known.contains(key) else {
                    c.problem(key, "unknown field; known fields are \(known.joined(separator: ", "))")
                    continue
                }
                switch c.raw(key) {
                case .string(let header)?: columns[key] = .header(header)
                case .number(let n)? where n >= 0 && n == n.rounded() && n < 100_000: columns[key] = .index(Int(n))
                case let other?: c.problem(key, "expected a header name or a 0-based column number, found \(other.kindName)")
                case nil: break
                }
            }
            r.absorb(c)
        }
        var settings = path.flatMap { path in format.map { InputSettings(path: path, pattern: pattern, format: $0, columns: columns, timezone: timezone, settle: settle) } }
        FeedParser.parse(&r, kind: kind, into: &settings)
        r.rejectUnknownKeys()
        return settings
    }
}
