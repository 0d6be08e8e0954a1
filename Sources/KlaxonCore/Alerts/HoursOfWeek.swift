import Foundation

/// Hours of the week in a time zone, as `maintenance` windows and an alert's
/// `active` write them: `days` (mon…sun, default every day), `from`/`to` as
/// HH:MM local time, `to` before `from` spanning midnight (22:00–06:00 on "mon"
/// is Monday 22:00 to Tuesday 06:00: a span belongs to the day it starts on).
/// Local time comes from Foundation's `TimeZone`, so the hours follow daylight
/// saving (a 01:30–02:30 span on the night the clocks go forward starts at
/// 02:00 local, the first minute that exists).
public struct HoursOfWeek: Sendable, Equatable {
    /// 1 = Monday … 7 = Sunday.
    public var days: Set<Int>
    /// Minutes after local midnight; `to` may be 1440 ("24:00").
    public var from: Int
    public var to: Int
    public var timeZone: TimeZone

    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init(days: Set<Int>, from: Int, to: Int, timeZone: TimeZone) {
        self.days = days
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }

    /// Whether the instant (Unix seconds) falls inside, by the wall clock of the zone.
    public func contains(_ time: Int64) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(time)))
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        // Foundation counts Sunday as 1; the job counts Monday as 1.
        let day = (weekday + 5) % 7 + 1
        let yesterday = (day + 5) % 7 + 1
        let clock = hour * 60 + minute
        if from < to { return days.contains(day) && clock >= from && clock < to }
        return (days.contains(day) && clock >= from) || (days.contains(yesterday) && clock < to)
    }

    /// Reads `days`, `from`, `to` and `timezone` (default UTC); every problem goes to
    /// the reader, naming its field.
    static func parse(_ r: inout ObjectReader) -> HoursOfWeek? {
        var days = Set(1...7)
        var valid = true
        if let names = r.strings("days") {
            days = []
            for (i, name) in names.enumerated() {
                if let n = dayNames.firstIndex(of: name.lowercased()) { days.insert(n + 1) } else {
                    r.problem("days[\(i)]", "unknown day \"\(name)\"; use mon, tue, wed, thu, fri, sat or sun")
                    valid = false
                }
            }
            if names.isEmpty {
                r.problem("days", "is empty, so the hours would never come; leave it out for every day")
                valid = false
            }
        }
        let from = clock(&r, "from", allowMidnightEnd: false)
        let to = clock(&r, "to", allowMidnightEnd: true)
        if let from, let to, from == to {
            r.problem("to", "equals `from`, so the hours would be empty; for a whole day write from: \"00:00\", to: \"24:00\"")
            valid = false
        }
        var zone = TimeZone(identifier: "UTC")
        if let name = r.string("timezone") {
            zone = TimeZone(identifier: name)
            if zone == nil { r.problem("timezone", "unknown time zone \"\(name)\"; write an IANA name such as \"Europe/London\" or \"UTC\"") }
        }
        guard valid, let from, let to, let zone else { return nil }
        return HoursOfWeek(days: days, from: from, to: to, timeZone: zone)
    }

    /// "HH:MM" as minutes after midnight; "24:00" only for the end.
    private static func clock(_ r: inout ObjectReader, _ key: String, allowMidnightEnd: Bool) -> Int? {
        guard let text = r.string(key, required: true) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 2, parts[1].count == 2,
           parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
           let h = Int(parts[0]), let m = Int(parts[1]) {
            if h < 24 && m < 60 { return h * 60 + m }
            if allowMidnightEnd && h == 24 && m == 0 { return 1_440 }
        }
        r.problem(key, "malformed time \"\(text)\"; write HH:MM on a 24-hour clock, e.g. \"02:30\"\(allowMidnightEnd ? " (or \"24:00\" for the end of the day)" : "")")
        return nil
    }
}
