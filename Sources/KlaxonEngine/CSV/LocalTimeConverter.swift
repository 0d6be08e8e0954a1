import Foundation

/// Turns zone-less wall-clock seconds (as written by FreeSWITCH or Asterisk in
/// local time) into UTC epoch seconds for one `TimeZone`, DST-aware.
///
/// Ambiguous wall times (the repeated hour when clocks go back) resolve to the
/// earlier instant; wall times skipped when clocks go forward use the offset in
/// force before the jump (02:30 in a 02:00->03:00 gap reads as 03:30 after it).
///
/// Asking Foundation for offsets per row is slow, so the offset of the last
/// local day without a transition near it is cached: sorted or nearly sorted
/// exports hit the cache on almost every row. Zones without transitions (UTC,
/// fixed offsets) skip Foundation entirely.
public struct LocalTimeConverter: Sendable {
    public let timeZone: TimeZone
    private let fixedOffset: Int64?
    private var cachedDay: Int64 = .min
    /// Offset of every wall time on `cachedDay`; nil when a transition is near
    /// and each wall time on that day needs resolving on its own.
    private var cachedOffset: Int64?

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        // The probe from the distant past costs microseconds for zones with a
        // history, once per converter.
        if Self.isUTC(timeZone) {
            fixedOffset = 0
        } else if timeZone.nextDaylightSavingTimeTransition(after: .distantPast) == nil {
            fixedOffset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)))
        } else {
            fixedOffset = nil
        }
    }

    /// UTC epoch seconds of the wall-clock time `local` (seconds since
    /// 1970-01-01 00:00 as if the wall clock were UTC).
    public mutating func utcSeconds(fromLocal local: Int64) -> Int64 {
        if let fixedOffset { return local - fixedOffset }
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        if day != cachedDay {
            cachedDay = day
            cachedOffset = uniformOffset(day: day)
        }
        if let cachedOffset { return local - cachedOffset }
        return Self.resolve(local, in: timeZone)
    }

    /// The offset of `day` if no transition lies within two days of it: wall
    /// times map to instants at most ~14 h away, so then the one offset holds.
    private func uniformOffset(day: Int64) -> Int64? {
        let windowStart = (day - 2) * 86_400
        let windowEnd = (day + 3) * 86_400
        let first = offset(at: windowStart)
        guard offset(at: windowEnd) == first else { return nil }
        let from = Date(timeIntervalSince1970: TimeInterval(windowStart))
        if let next = timeZone.nextDaylightSavingTimeTransition(after: from),
           next.timeIntervalSince1970 <= TimeInterval(windowEnd) {
            return nil
        }
        return first
    }

    /// The rule above, from two or three Foundation look-ups; assumes at most one
    /// transition within a day either side of `local`, as in every real zone.
    package static func resolve(_ local: Int64, in zone: TimeZone) -> Int64 {
        let before = offset(at: local - 86_400, in: zone)
        let after = offset(at: local + 86_400, in: zone)
        let earlier = local - before
        if before == after { return earlier }
        let later = local - after
        let earlierValid = offset(at: earlier, in: zone) == before
        let laterValid = offset(at: later, in: zone) == after
        switch (earlierValid, laterValid) {
        case (true, true): return min(earlier, later)
        case (false, true): return later
        default: return earlier  // valid, or in the gap: offset before the jump
        }
    }

    /// Cheap check for the zone most exports are in; other fixed zones are
    /// found once per converter by `init`.
    package static func isUTC(_ zone: TimeZone) -> Bool {
        switch zone.identifier {
        case "GMT", "UTC", "Etc/UTC", "Etc/GMT": return true
        default: return false
        }
    }

    private func offset(at seconds: Int64) -> Int64 {
        Self.offset(at: seconds, in: timeZone)
    }

    private static func offset(at seconds: Int64, in zone: TimeZone) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
}
