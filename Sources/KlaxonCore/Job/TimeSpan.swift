/// A length of time written as `30s`, `5m`, `1h`, `1d`, `1y` or combinations
/// such as `1h30m`; whole seconds, since every window is minute-aligned anyway.
public struct TimeSpan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    private static let units: [(suffix: Character, seconds: Int64)] = [
        ("y", 365 * 86_400), ("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    /// The longest duration a job may write. Every duration is added to a run's `now`
    /// somewhere (a repeat, a penalty, a backoff): capping it keeps that arithmetic far
    /// from overflowing, which would stop the run with a trap.
    public static let maximum = TimeSpan(seconds: 1_000 * 365 * 86_400)

    /// Parses `1h30m`; nil for anything else (no unit, unknown unit, longer than `maximum`,
    /// and zero unless `allowZero`: a zero repeat or window is always a mistake, a zero settle is not).
    public init?(parsing text: String, allowZero: Bool = false) {
        guard let span = TimeSpan(unlimited: text, allowZero: allowZero), span <= Self.maximum else { return nil }
        self = span
    }

    /// The problem with a well-formed duration that is only too long; nil for any other text.
    public static func tooLong(_ text: String) -> String? {
        guard let span = TimeSpan(unlimited: text, allowZero: true), span > maximum else { return nil }
        return "duration \"\(text)\" is longer than \(maximum.seconds / (365 * 86_400))y, the longest a job may write"
    }

    private init?(unlimited text: String, allowZero: Bool) {
        var total: Int64 = 0
        var digits: Int64 = 0
        var sawDigit = false
        var sawPart = false
        for ch in text.trimming(.whitespaces) {
            if let d = ch.wholeNumberValue, ch.isASCII {
                let (m, o1) = digits.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                digits = a
                sawDigit = true
            } else if let unit = Self.units.first(where: { $0.suffix == ch }), sawDigit {
                let (p, o1) = digits.multipliedReportingOverflow(by: unit.seconds)
                let (t, o2) = total.addingReportingOverflow(p)
                if o1 || o2 { return nil }
                total = t
                digits = 0
                sawDigit = false
                sawPart = true
            } else {
                return nil
            }
        }
        guard sawPart, !sawDigit, total > 0 || allowZero else { return nil }
        seconds = total
    }

    /// The shortest spelling in the same units, e.g. `1h30m`.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var out = ""
        for unit in Self.units where unit.suffix != "w" && unit.suffix != "y" {
            let n = rest / unit.seconds
            if n > 0 { out += "\(n)\(unit.suffix)"; rest -= n * unit.seconds }
        }
        return out
    }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.seconds < b.seconds }

    public init(from decoder: any Decoder) throws {
        seconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(seconds)
    }
}
