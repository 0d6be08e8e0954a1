import Foundation

/// The calendar sample periods (behaviour.md "The operator's time and trends"): a local day of the job's `timezone`,
/// not a rolling length.
public enum CalendarDay: String, Sendable, CaseIterable {
    /// From local midnight to the window end.
    case today
    /// The whole previous local day: 23, 24 or 25 hours.
    case yesterday

    /// How far back from the window end the day can start: what the state keeps for
    /// it. A local day lasts at most 25 hours, and two days in a row at most 49.
    var reach: TimeSpan { TimeSpan(seconds: self == .today ? 25 * 3_600 : 49 * 3_600) }
}

/// One window an alert or report sums over: a rolling length, or a local calendar day.
public enum WindowPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    case rolling(TimeSpan)
    case calendar(CalendarDay)

    /// `1h`, `1d`, `today`, `yesterday`: as the job writes it.
    public var description: String {
        switch self {
        case .rolling(let span): span.description
        case .calendar(let day): day.rawValue
        }
    }

    /// Rolling windows by length, then today, then yesterday.
    public static func < (a: WindowPeriod, b: WindowPeriod) -> Bool {
        switch (a, b) {
        case (.rolling(let x), .rolling(let y)): x < y
        case (.rolling, .calendar): true
        case (.calendar, .rolling): false
        case (.calendar(let x), .calendar(let y)): x == .today && y == .yesterday
        }
    }

    /// The minutes `[from, to)` of the window for a run whose windows end before
    /// minute `windowEnd` (`Job.windowEndMinute`). A calendar day is the local day
    /// of the window end's instant in `zone`: a window ending at local midnight
    /// has an empty `today` and the whole day just ended as `yesterday`.
    public func bounds(windowEnd: Int64, zone: TimeZone) -> (from: Int64, to: Int64) {
        switch self {
        case .rolling(let span):
            return (windowEnd - span.seconds / 60, windowEnd)
        case .calendar(let day):
            let today = Self.localMidnight(atOrBefore: windowEnd * 60, zone: zone)
            if day == .today { return (floorDiv(today, 60), windowEnd) }
            let yesterday = Self.localMidnight(atOrBefore: today - 1, zone: zone)
            return (floorDiv(yesterday, 60), floorDiv(today, 60))
        }
    }

    /// The first instant of the local day holding `epochSeconds` (midnight, or the
    /// first minute that exists on a day whose clocks skip midnight).
    static func localMidnight(atOrBefore epochSeconds: Int64, zone: TimeZone) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
        return Int64(exactly: start.timeIntervalSince1970.rounded(.down)) ?? epochSeconds
    }
}

extension AlertDefinition {
    /// The window the alert sums over; nil for snapshot areas (and scripts without one).
    public var window: WindowPeriod? {
        if let calendarDay { return .calendar(calendarDay) }
        return samplePeriod.map { .rolling($0) }
    }
}

extension Job {
    /// `[from, to)` minutes of `period` for a run at `now`, in the job's zone.
    public func bounds(of period: WindowPeriod, now: Int64) -> (from: Int64, to: Int64) {
        period.bounds(windowEnd: windowEndMinute(now: now), zone: shownTime.zone)
    }
}
