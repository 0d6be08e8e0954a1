import Foundation

/// A recurring window from the job's `maintenance` list: on the listed days,
/// from `from` to `to` local time in `timeZone`, the matching instances are
/// silenced. `to` before `from` spans midnight; the window belongs to the day
/// it starts on (a Saturday 22:00–02:00 window covers early Sunday too).
public struct MaintenanceWindow: Sendable {
    public var name: String
    /// Empty: every alert.
    public var alerts: [String]
    /// Both empty: every company; otherwise a company listed or carrying one of the tags.
    public var companies: [String]
    public var tags: [String]
    /// 1 = Monday … 7 = Sunday.
    public var days: Set<Int>
    /// Minutes after local midnight; `to` may be 1440 ("24:00").
    public var from: Int
    public var to: Int
    public var timeZone: TimeZone

    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public func matches(alert title: String, company: Company) -> Bool {
        if !alerts.isEmpty, !alerts.contains(title) { return false }
        if companies.isEmpty && tags.isEmpty { return true }
        return companies.contains(company.id) || company.tags.contains { tags.contains($0) }
    }

    /// Whether `now` falls inside the window, by the wall clock of its zone: the
    /// hours follow daylight saving (a 01:30–02:30 window on the night the clocks
    /// go forward starts at 02:00 local, the first minute that exists).
    public func isActive(at now: Int64) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(now)))
        guard let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        // Foundation counts Sunday as 1; the job counts Monday as 1.
        let day = (weekday + 5) % 7 + 1
        let yesterday = (day + 5) % 7 + 1
        let m = hour * 60 + minute
        if from < to { return days.contains(day) && m >= from && m < to }
        return (days.contains(day) && m >= from) || (days.contains(yesterday) && m < to)
    }

    /// "maintenance \"nightly backup\"", as reports and status show it.
    public var label: String { "maintenance \"\(name)\"" }
}
