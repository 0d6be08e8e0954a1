import Foundation

/// Reads `inputs.cdrs` when it holds a `clickhouse` object; the drop-folder keys
/// (`path`, `pattern`, `format`…) do not apply then and are refused as unknown.
enum ClickHouseParser {
    static func parse(_ r: inout ObjectReader, resolve: (String) -> String) -> InputSettings? {
        let late = r.duration("late", allowZero: true) ?? TimeSpan(seconds: 900)
        guard var c = r.object("clickhouse") else {
            r.problem("clickhouse", "expected an object with url, database and table")
            r.rejectUnknownKeys()
            return nil
        }
        let url = c.string("url", required: true)
        if let url, let problem = EndpointRules.httpURLProblem(url) { c.problem("url", problem) }
        let database = c.string("database") ?? "cdr"
        let table = c.string("table") ?? "cdr"
        for (key, name) in [("database", database), ("table", table)] where !isIdentifier(name) {
            c.problem(key, "\"\(name)\" is not a plain ClickHouse name; use letters, digits and _")
        }
        var columns: [ClickHouseColumn: String] = [:]
        if var m = c.object("columns") {
            for key in m.object.keys.sorted() {
                guard let field = ClickHouseColumn(rawValue: key) else {
                    m.problem(key, "unknown field; known fields are \(ClickHouseColumn.allCases.map(\.rawValue).joined(separator: ", "))")
                    continue
                }
                guard let name = m.string(key) else { continue }
                if isIdentifier(name) { columns[field] = name } else {
                    m.problem(key, "\"\(name)\" is not a plain column name; use letters, digits and _")
                }
            }
            c.absorb(m)
        }
        var settings = ClickHouseSettings(
            url: url ?? "", database: database, table: table,
            userEnv: c.string("user_env"), passwordEnv: c.string("password_env"), columns: columns,
            caFile: c.string("ca_file").map(resolve),
            connectTimeout: c.duration("connect_timeout") ?? TimeSpan(seconds: 10),
            timeout: c.duration("timeout") ?? TimeSpan(seconds: 120),
            late: late, maxAnswerBytes: 1 << 30)
        settings.allowPlaintextCredentials = c.bool("allow_plaintext_credentials") ?? false
        if let mib = c.integer("max_answer_mb") {
            if mib < 1 || mib > 65_536 { c.problem("max_answer_mb", "expected 1 to 65536 (MiB)") } else { settings.maxAnswerBytes = mib << 20 }
        }
        if let url, settings.userEnv != nil || settings.passwordEnv != nil, !settings.allowPlaintextCredentials,
           EndpointRules.isPlainToAnotherHost(url, plainScheme: "http") {
            c.problem("url", EndpointRules.plaintextProblem("the ClickHouse user and password", url))
        }
        if settings.passwordEnv != nil, settings.userEnv == nil {
            c.problem("password_env", "needs user_env too (the user the password belongs to)")
        }
        settings.shard = ClickHouseShardParser.parse(&c)
        c.rejectUnknownKeys()
        r.absorb(c)
        r.rejectUnknownKeys()
        guard url != nil else { return nil }
        return InputSettings(path: "", pattern: "", format: .buckets, columns: [:], timezone: nil,
                             settle: TimeSpan(seconds: 0), clickhouse: settings)
    }

    /// Names go into the SQL text (quoted with backticks): only plain ones are taken.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }
}

extension ClickHouseParser {
    /// A pull brings the calls of the destinations a `by: "destination"` alert names
    /// (`ClickHousePull+Calls`); an alert that would need every call of every company
    /// is refused rather than pulling the whole table each run.
    static func checkAlerts(_ job: Job, diagnostics: inout Diagnostics) {
        if job.cdrs?.format == .buckets, job.cdrs?.clickhouse == nil {
            // A bucket file holds sums per minute, not calls: these alerts would see none and stay quiet.
            for alert in job.alerts where alert.usesCallLog {
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: alert.fraud.by == .company ? "area" : "by",
                                        message: "needs each call, and a buckets input holds per-minute sums; read CDR files for this job, or alert on summed areas"))
            }
        }
        guard job.cdrs?.clickhouse != nil else { return }
        for alert in job.alerts where alert.usesCallLog {
            let message: String
            if alert.fraud.by == .company {
                message = "the area \(alert.area.rawValue) by company needs every call of every company, which the pull would bring one by one from ClickHouse each run; alert on it with by: \"destination\" and a destinations filter, or read the CDR files for this job"
            } else if alert.fraud.watched == nil {
                message = "`by: \"destination\"` without a destinations filter watches every call, which the pull would bring one by one from ClickHouse each run; name the destinations it watches (destinations: [\"group:…\", …]), or read the CDR files for this job"
            } else if alert.fraud.watched?.contains(DestinationIndex.other) == true {
                message = "the destination \"other\" is every number the table does not match, and watching it would pull nearly every call from ClickHouse each run; name the destinations it watches, or read the CDR files for this job"
            } else {
                continue
            }
            diagnostics.add(Problem(file: alert.file, alert: alert.title, field: alert.fraud.by == .company ? "area" : "destinations", message: message))
        }
    }
}
