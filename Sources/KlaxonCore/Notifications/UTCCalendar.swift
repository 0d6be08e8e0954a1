/// Proleptic Gregorian calendar arithmetic in UTC, with integers only: the
/// Date header and the ISO 8601 timestamps of messages and reports are built
/// from it instead of a date formatter, which costs tens of microseconds a
/// call and hundreds of calls a run.
enum UTCCalendar {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years a four-digit year can hold.
    static let earliest: Int64 = -62_135_596_800
    static let latest: Int64 = 253_402_300_799

    /// Proleptic Gregorian date for a day count from 1970-01-01
    /// (H. Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 {
        a - floorDivide(a, b) * b
    }

    /// `value` in decimal, zero-padded on the left to `width` digits (`value` ≥ 0).
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
