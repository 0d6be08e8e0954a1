import KlaxonEngine
/// The SQL that brings the individual calls a pull's per-destination alerts watch:
/// the calls whose called number, once its `+` or `00` is dropped, starts with a
/// prefix of a watched destination. Klaxon then matches each number against the
/// whole table, as it does reading files (a longer prefix of an unwatched
/// destination wins), so the WHERE may bring a few calls more, never fewer.
/// Written for 18.16 as much as for the current release: LIKE and substring only.
struct ClickHouseCallQuery {
    var settings: ClickHouseSettings
    /// Digits, without `+`/`00`.
    var prefixes: [String]

    static let columns = ["call_time", "call_customer", "call_provider", "call_number", "call_talk", "call_code", "call_pdd",
                          "call_customer_micros", "call_provider_micros"]

    private func column(_ field: ClickHouseColumn) -> String { "`\(settings.column(field))`" }

    /// Every watched call with `dt` in [from, to) (Unix seconds).
    func sql(from: Int64, to: Int64) -> String {
        let matches = prefixes.map { "call_digits LIKE '\($0)%'" }.joined(separator: " OR ")
        var filter = "(\(matches.isEmpty ? "0" : matches))"
        if let shard = settings.shard {
            filter += " AND (\(shard.condition("call_customer")) OR \(shard.condition("call_provider")))"
        }
        return """
        SELECT \(Self.columns.joined(separator: ", "))
        FROM (
            SELECT toUInt32(\(column(.dt))) AS call_time, toString(\(column(.customer_id))) AS call_customer,
                   toString(\(column(.provider_id))) AS call_provider, toString(\(column(.dest_number))) AS call_number,
                   if(substring(call_number, 1, 1) = '+', substring(call_number, 2, length(call_number)),
                      if(substring(call_number, 1, 2) = '00', substring(call_number, 3, length(call_number)), call_number)) AS call_digits,
                   toInt64(\(column(.duration))) AS call_talk, toInt64(\(column(.sip_code))) AS call_code, \(column(.pdd)) AS call_pdd,
                   toInt64(round(toFloat64(\(column(.customer_charge))) * 1000000)) AS call_customer_micros,
                   toInt64(round(toFloat64(\(column(.provider_charge))) * 1000000)) AS call_provider_micros
            FROM `\(settings.database)`.`\(settings.table)`
            WHERE \(column(.dt)) >= \(ClickHouseQuery.time(from)) AND \(column(.dt)) < \(ClickHouseQuery.time(to))
        )
        WHERE \(filter)
        FORMAT TabSeparatedWithNames

        """
    }
}

/// One call of the answer, as the call log takes it.
struct PulledCall {
    /// nil for an empty id, which the sums leave out too.
    var customer: String?
    var provider: String?
    var number: [UInt8]
    var record: CallRecord
}

enum ClickHouseCallAnswer {
    /// The whole answer or nothing, as for the sums.
    static func parse(_ body: [UInt8]) -> RowParse<[PulledCall]> {
        var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else { return .failure("the calls' answer does not end with a line break (cut short?)") }
        lines.removeLast()
        guard let header = lines.first, String(decoding: header, as: UTF8.self) == ClickHouseCallQuery.columns.joined(separator: "\t") else {
            return .failure("unexpected column names in the calls' answer on line 1")
        }
        var calls: [PulledCall] = []
        for (n, line) in lines.dropFirst().enumerated() {
            let f = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
            guard f.count == ClickHouseCallQuery.columns.count else { return .failure("calls, line \(n + 2): \(f.count) fields, \(ClickHouseCallQuery.columns.count) expected") }
            guard let customer = ClickHouseAnswer.unescape(f[1]), let provider = ClickHouseAnswer.unescape(f[2]),
                  let number = ClickHouseAnswer.unescape(f[3]) else { return .failure("calls, line \(n + 2): a company or number is not UTF-8") }
            let isNull = Array(f[6]) == Array("\\N".utf8)
            guard let t = ClickHouseAnswer.integer(f[0]), let talk = ClickHouseAnswer.integer(f[4]), let code = ClickHouseAnswer.integer(f[5]),
                  let cc = ClickHouseAnswer.integer(f[7]), let pc = ClickHouseAnswer.integer(f[8]), t >= 0, talk >= 0 else {
                return .failure("calls, line \(n + 2): a time, duration, SIP code or charge is not a whole number")
            }
            var pdd: Int64?
            if !isNull {
                guard let p = ClickHouseAnswer.integer(f[6]), p >= 0 else { return .failure("calls, line \(n + 2): pdd is not a whole number") }
                pdd = p
            }
            let record = CallRecord(time: t, durationSeconds: talk, sipCode: Int(code), pddMilliseconds: pdd, customerCharge: cc, providerCharge: pc)
            calls.append(PulledCall(customer: customer.isEmpty ? nil : customer, provider: provider.isEmpty ? nil : provider, number: Array(number.utf8), record: record))
        }
        return .success(calls)
    }
}
