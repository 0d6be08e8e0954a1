import Foundation

/// Hours of the week in a time zone: `days` (mon…sun), `from`/`to` as HH:MM
/// local time, `to` before `from` spanning midnight (22:00–06:00 on "mon" is
/// Monday 22:00 to Tuesday 06:00). Local time comes from Foundation's
/// `TimeZone`, so daylight saving moves the hours with the clock.
public struct HoursOfWeek: Sendable, Equatable {
    /// 1 = Monday … 7 = Sunday.
    public var days: Set<Int>
    /// Minutes after local midnight; `from == to` is the whole day.
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

    /// Whether the instant (Unix seconds) falls inside. A span past midnight
    /// belongs to the day it starts on.
    public func contains(_ time: Int64) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(time)))
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let day = (weekday + 5) % 7 + 1  // Foundation's 1 is Sunday
        let clock = hour * 60 + minute
        if from == to { return days.contains(day) }
        if from < to { return days.contains(day) && clock >= from && clock < to }
        if clock >= from { return days.contains(day) }
        return clock < to && days.contains(day == 1 ? 7 : day - 1)
    }

    /// Reads `{ days, from, to, timezone }`; problems go to the reader.
    static func parse(_ r: inout ObjectReader) -> HoursOfWeek? {
        var days = Set(1...7)
        var valid = true
        if let names = r.strings("days") {
            days = []
            for (i, name) in names.enumerated() {
                if let d = dayNames.firstIndex(of: name.lowercased()) { days.insert(d + 1) } else {
                    r.problem("days[\(i)]", "unknown day \"\(name)\"; use \(dayNames.joined(separator: ", "))")
                    valid = false
                }
            }
            if names.isEmpty { r.problem("days", "names no day; leave it out for every day"); valid = false }
        }
        let from = clock(&r, "from")
        let to = clock(&r, "to")
        var zone = TimeZone(identifier: "UTC")
        if let name = r.string("timezone") {
            zone = TimeZone(identifier: name)
            if zone == nil { r.problem("timezone", "unknown time zone \"\(name)\"; write an IANA name such as Europe/London") }
        }
        guard valid, let from, let to, let zone else { return nil }
        return HoursOfWeek(days: days, from: from, to: to, timeZone: zone)
    }

    private static func clock(_ r: inout ObjectReader, _ key: String) -> Int? {
        guard let text = r.string(key, required: true) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
           (0...23).contains(h), (0...59).contains(m) {
            return h * 60 + m
        }
        if text == "24:00" { return 0 }
        r.problem(key, "malformed time \"\(text)\"; write HH:MM, 00:00 to 23:59")
        return nil
    }
}
