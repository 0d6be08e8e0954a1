import KlaxonEngine
/// One row of a pull's answer: a company's sums for one minute in one role.
struct PulledBucket {
    var company: String
    var role: Company.Kind
    var bucket: MinuteBucket
    var trailingFailures: Int64
}

/// Reads the TabSeparatedWithNames answer of `ClickHouseQuery` (output `.pull`).
/// Anything unexpected fails the whole answer: a half-read pull would count a
/// part of the minutes, and a failed one is simply caught up by the next run.
enum ClickHouseAnswer {
    static func parse(_ body: [UInt8]) -> RowParse<[PulledBucket]> {
        var lines = body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.last?.isEmpty == true else { return .failure("the answer does not end with a line break (cut short?)") }
        lines.removeLast()
        guard let header = lines.first else { return .failure("the answer is empty (not even the column names)") }
        let names = String(decoding: header, as: UTF8.self)
        guard names == ClickHouseQuery.pullColumns.joined(separator: "\t") else {
            return .failure("unexpected column names \(Printable.quoted(String(names.prefix(200)))) on line 1")
        }
        var rows: [PulledBucket] = []
        rows.reserveCapacity(lines.count - 1)
        for (n, line) in lines.dropFirst().enumerated() {
            switch row(line) {
            case .success(let r): rows.append(r)
            case .failure(let reason): return .failure("line \(n + 2): \(reason)")
            }
        }
        return .success(rows)
    }

    private static func row(_ line: ArraySlice<UInt8>) -> RowParse<PulledBucket> {
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
        guard fields.count == ClickHouseQuery.pullColumns.count else {
            return .failure("\(fields.count) fields, \(ClickHouseQuery.pullColumns.count) expected: \(Printable.quoted(String(decoding: line.prefix(120), as: UTF8.self)))")
        }
        guard let company = unescape(fields[0]), !company.isEmpty else { return .failure("empty or unreadable company") }
        let role: Company.Kind
        switch String(decoding: fields[1], as: UTF8.self) {
        case "customer": role = .customer
        case "carrier": role = .carrier
        case let other: return .failure("unknown type \(Printable.quoted(other))")
        }
        var numbers: [Int64] = []
        for (i, field) in fields.dropFirst(2).enumerated() {
            guard let n = integer(field) else {
                return .failure("\(ClickHouseQuery.pullColumns[i + 2]) \(Printable.quoted(String(decoding: field.prefix(40), as: UTF8.self))) is not a whole number")
            }
            numbers.append(n)
        }
        let minute = numbers[0], attempts = numbers[1], connected = numbers[2]
        guard minute % 60 == 0, minute / 60 < Int64(Int32.max), minute >= 0 else { return .failure("minute \(minute) is not the start of a minute") }
        guard attempts >= 0, attempts <= Int64(Int32.max) else { return .failure("attempts \(attempts) out of range") }
        for (i, n) in numbers.enumerated().dropFirst(2) where i != 8 && i != 9 {
            guard n >= 0 else { return .failure("\(ClickHouseQuery.pullColumns[i + 2]) \(n) is negative") }
        }
        for i in [2, 3, 4, 7] where numbers[i] > attempts {
            return .failure("\(ClickHouseQuery.pullColumns[i + 2]) \(numbers[i]) is more than attempts \(attempts)")
        }
        let trailing = numbers[10]
        guard trailing <= attempts - connected else { return .failure("trailing_failures \(trailing) is more than the failed attempts") }
        var b = MinuteBucket(minute: Int32(minute / 60))
        b.attempts = Int32(attempts)
        b.connected = Int32(connected)
        b.nerSuccesses = Int32(numbers[3])
        b.redirects = Int32(numbers[4])
        b.talkSeconds = numbers[5]
        b.pddMillisecondsSum = numbers[6]
        b.pddCount = Int32(numbers[7])
        b.customerCharge = numbers[8]
        b.providerCharge = numbers[9]
        return .success(PulledBucket(company: company, role: role, bucket: b, trailingFailures: trailing))
    }

    /// A whole number as ClickHouse prints one, without a `String` per field (the answer has millions).
    static func integer(_ field: ArraySlice<UInt8>) -> Int64? {
        var i = field.startIndex
        let negative = i < field.endIndex && field[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        // 18 digits always fit in an Int64.
        guard i < field.endIndex, field.endIndex - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < field.endIndex {
            let digit = field[i] &- 48
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            i += 1
        }
        return negative ? -value : value
    }

    /// TabSeparated escapes \t, \n, \\ and a few more with a backslash.
    static func unescape(_ field: ArraySlice<UInt8>) -> String? {
        guard field.contains(UInt8(ascii: "\\")) else { return String(validating: field, as: UTF8.self) }
        var out: [UInt8] = []
        var escaped = false
        for c in field {
            if escaped {
                switch c {
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "0"): out.append(0)
                default: out.append(c)
                }
                escaped = false
            } else if c == UInt8(ascii: "\\") {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }
}
