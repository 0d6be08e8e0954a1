import Foundation

/// Formats the Date header (RFC 5322 §3.3), always in UTC:
/// `Fri, 27 Nov 2026 03:00:00 +0000`.
///
/// Computed with integer calendar arithmetic instead of DateFormatter: the
/// result then cannot depend on the process locale, time zone or ICU data,
/// which is what makes rendered messages byte-identical on every machine.
enum RFC5322Date {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Dates outside the years RFC 5322's four-digit year can hold (and NaN)
    /// are clamped rather than trapping on the Int conversion.
    static func format(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let seconds: Int64
        if interval.isNaN {
            seconds = 0
        } else if interval <= Double(UTCCalendar.earliest) {
            seconds = UTCCalendar.earliest
        } else if interval >= Double(UTCCalendar.latest) {
            seconds = UTCCalendar.latest
        } else {
            // Fractions are dropped toward the past, like a clock display.
            seconds = Int64(interval.rounded(.down))
        }
        let days = UTCCalendar.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = UTCCalendar.civilDate(daysSinceEpoch: days)
        // 1970-01-01 was a Thursday (index 4).
        let weekday = Int(UTCCalendar.floorModulo(days + 4, 7))
        let pad = UTCCalendar.pad
        return "\(dayNames[weekday]), \(pad(day, 2)) \(monthNames[month - 1]) \(pad(year, 4)) "
            + "\(pad(Int(secondOfDay / 3600), 2)):\(pad(Int(secondOfDay % 3600 / 60), 2)):"
            + "\(pad(Int(secondOfDay % 60), 2)) +0000"
    }
}
