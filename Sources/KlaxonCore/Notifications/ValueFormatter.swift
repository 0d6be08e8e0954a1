import Foundation

/// Formats metric values for people: ASR `27.5%`, money `12.50 USD`, ACD `2m05s`.
///
/// Every message renders several of these, and `String(format:)` and
/// `ISO8601DateFormatter` cost tens of microseconds a call (most of composing
/// a run's messages); the integer and digit arithmetic below gives the same
/// text, and hands the rare cases it does not cover to those.
public enum ValueFormatter {
    public static func format(_ value: Double, area: Area, currency: String) -> String {
        switch area {
        case .asr, .ner: return trimmed(value, decimals: 1) + "%"
        case .acd, .maxDuration: return duration(seconds: value)
        case .pdd: return "\(Int(value.rounded())) ms"
        case .balance, .availableCredit, .spend, .profit:
            let amount = money(value)
            return currency.isEmpty ? amount : "\(amount) \(currency)"
        case .attempts, .connected, .consecutiveFailures, .callsPerMinute, .concurrentCalls, .sequentialCalls: return String(Int64(value.rounded()))
        case .minutes, .script: return trimmed(value, decimals: 2)
        }
    }

    /// `2m05s`, `45s`, `1h02m03s`.
    public static func duration(seconds: Double) -> String {
        let total = Int64(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        // `%d` takes 32 bits: beyond them the old formatting says what it always said.
        if h > Int64(Int32.max) { return String(format: "%dh%02dm%02ds", h, m, s) }
        // With hours (or minutes) shown, `total` is positive and m and s are 0…59.
        if h > 0 { return "\(h)h\(UTCCalendar.pad(Int(m), 2))m\(UTCCalendar.pad(Int(s), 2))s" }
        if m > 0 { return "\(m)m\(UTCCalendar.pad(Int(s), 2))s" }
        return "\(s)s"
    }

    static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = fixed(value, decimals: decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value` with `decimals` digits after the point, as Foundation's
    /// `%.Nf` in the POSIX locale writes it (see `FixedDecimal`).
    static func fixed(_ value: Double, decimals: Int) -> String {
        FixedDecimal.format(value, decimals: decimals)
            ?? String(format: "%.\(decimals)f", locale: Locale(identifier: "en_US_POSIX"), value)
    }

    /// Two decimals, half a cent rounded away from zero from the value's decimal
    /// digits, as billing does; no "-0.00" for a value that rounds to nothing.
    static func money(_ value: Double) -> String {
        guard let text = FixedDecimal.format(value, decimals: 2, rounding: .halfAwayFromZero) else {
            return fixed(value, decimals: 2)
        }
        return text == "-0.00" ? "0.00" : text
    }

    /// ISO 8601 in UTC, to the second: the form every message and report uses.
    public static func timestamp(_ epochSeconds: Int64) -> String {
        // Before 1583 the formatter counts in the Julian calendar (ICU's Gregorian change in 1582).
        guard epochSeconds >= firstGregorianYear, epochSeconds <= UTCCalendar.latest else {
            return formatterTimestamp(epochSeconds)
        }
        let days = UTCCalendar.floorDivide(epochSeconds, 86_400)
        let second = Int(epochSeconds - days * 86_400)
        let (year, month, day) = UTCCalendar.civilDate(daysSinceEpoch: days)
        let pad = UTCCalendar.pad
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(second / 3600, 2)):\(pad(second % 3600 / 60, 2)):\(pad(second % 60, 2))Z"
    }

    /// 1583-01-01T00:00:00Z.
    private static let firstGregorianYear: Int64 = -12_212_553_600

    /// The formatter `timestamp` stands in for; it still writes the years before 1583 and after 9999.
    static func formatterTimestamp(_ epochSeconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
    }
}
