import KlaxonEngine
/// The columns of a pre-aggregated bucket export (behaviour.md "Pulling from ClickHouse"): one row per company
/// per minute, as a database that holds the CDRs folds them (see the README's
/// ClickHouse query). A header row names the columns; a headerless file lists
/// them in this order.
public enum BucketField: String, Sendable, CaseIterable {
    case company
    /// `customer` or `carrier`: the role the row's calls had (default customer).
    case type
    /// The minute's first second, UTC unless the input sets `timezone`.
    case minute
    case attempts, connected
    /// Attempts ending 200, 480, 486, 600 or 603 (the numerator of NER).
    case nerSuccesses = "ner_successes"
    /// Attempts ending 3xx (left out of NER's denominator).
    case redirects
    case talkSeconds = "talk_seconds"
    case pddSumMilliseconds = "pdd_sum_ms"
    case pddCount = "pdd_count"
    case customerCharge = "customer_charge"
    case providerCharge = "provider_charge"
    /// Optional: failed attempts after the minute's last connected one, which makes
    /// `consecutive_failures` exact; without it a minute that connected ends its streak.
    case trailingFailures = "trailing_failures"
}

/// One bucket row after conversion.
struct BucketRow {
    var company: String
    var role: Company.Kind
    var bucket: MinuteBucket
    var trailingFailures: Int64?
}

/// Reads bucket rows into `MinuteBucket`s, checking that each row could have
/// come from real calls (no more connected calls than attempts, and so on).
struct BucketRowFormat {
    static let required: [BucketField] = BucketField.allCases.filter { $0 != .type && $0 != .trailingFailures }
    static let headerNames = Dictionary(uniqueKeysWithValues: BucketField.allCases.map { ($0, $0.rawValue) })
    static let positions = Dictionary(uniqueKeysWithValues: BucketField.allCases.enumerated().map { ($1, $0) })

    func parse(_ record: borrowing CSVRecord, layout: ColumnLayout<BucketField>, clock: inout LocalTimeConverter) -> RowParse<BucketRow> {
        if let problem = layout.fieldCountProblem(record.count) { return .failure(problem) }
        guard record.count >= layout.requiredWidth, let companyIndex = layout[.company], let minuteIndex = layout[.minute] else {
            return .failure("wrong field count: \(record.count) fields, at least \(layout.requiredWidth) needed")
        }
        guard let company = FieldParsing.identifier(record[companyIndex]) else {
            return .failure(FieldParsing.notUTF8(record[companyIndex], name: "company"))
        }
        guard !company.isEmpty else { return .failure("empty company") }
        var role = Company.Kind.customer
        if let i = layout[.type] {
            switch record[i].string.trimmingWhitespace.lowercased() {
            case "", "customer": role = .customer
            case "carrier", "provider": role = .carrier
            case let other: return .failure("unknown type \"\(other)\"; expected customer or carrier")
            }
        }
        guard let time = FieldParsing.timestamp(record[minuteIndex], clock: &clock) else {
            return .failure("unparsable minute \"\(record[minuteIndex].string)\"; expected YYYY-MM-DD HH:MM:00 or ISO 8601")
        }
        guard floorMod(time, 60) == 0 else {
            return .failure("minute \"\(record[minuteIndex].string)\" is not the start of a minute; export toStartOfMinute(dt)")
        }

        var values: [BucketField: Int64] = [:]
        for field in [BucketField.attempts, .connected, .nerSuccesses, .redirects, .pddCount, .talkSeconds, .pddSumMilliseconds, .trailingFailures] {
            guard let i = layout[field], !(field == .trailingFailures && record[i].isEmpty) else { continue }
            guard let n = FieldParsing.integer(record[i]), n >= 0 else {
                return .failure("unparsable \(field.rawValue) \"\(record[i].string)\"; expected a whole number ≥ 0")
            }
            values[field] = n
        }
        var charges: [Int64] = [0, 0]
        for (n, field) in [BucketField.customerCharge, .providerCharge].enumerated() {
            if let i = layout[field], !record[i].isEmpty {
                guard let micros = FieldParsing.micros(record[i]) else {
                    return .failure("unparsable \(field.rawValue) \"\(record[i].string)\"")
                }
                charges[n] = micros
            }
        }
        let attempts = values[.attempts] ?? 0, connected = values[.connected] ?? 0
        guard attempts <= Int64(Int32.max) else { return .failure("attempts \(attempts) is too large for one minute") }
        for field in [BucketField.connected, .nerSuccesses, .redirects, .pddCount] where (values[field] ?? 0) > attempts {
            return .failure("\(field.rawValue) \(values[field] ?? 0) is more than attempts \(attempts)")
        }
        if let trailing = values[.trailingFailures], trailing > attempts - connected {
            return .failure("trailing_failures \(trailing) is more than the failed attempts (\(attempts - connected))")
        }
        if connected == 0, (values[.talkSeconds] ?? 0) > 0 {
            return .failure("talk_seconds \(values[.talkSeconds] ?? 0) without a connected call")
        }

        var bucket = MinuteBucket(minute: Int32(clamping: time / 60))
        bucket.attempts = Int32(attempts)
        bucket.connected = Int32(connected)
        bucket.nerSuccesses = Int32(values[.nerSuccesses] ?? 0)
        bucket.redirects = Int32(values[.redirects] ?? 0)
        bucket.pddCount = Int32(values[.pddCount] ?? 0)
        bucket.talkSeconds = values[.talkSeconds] ?? 0
        bucket.pddMillisecondsSum = values[.pddSumMilliseconds] ?? 0
        bucket.customerCharge = charges[0]
        bucket.providerCharge = charges[1]
        return .success(BucketRow(company: company, role: role, bucket: bucket, trailingFailures: values[.trailingFailures]))
    }
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
