import Foundation

/// How a time is shown to people: ISO 8601 to the second in the job's `timezone`,
/// with the offset that held at that instant (`2026-11-27T03:00:00+01:00`), or `Z`
/// in a zone that is UTC all year. Messages, reports, `klaxon status` and the
/// dry-run preview go through it; machine outputs (the JSON run report, the state,
/// the metrics file, penalty files, CSV exports) call `ValueFormatter.timestamp`, UTC.
public struct ShownTime: Sendable {
    public let zone: TimeZone
    /// UTC all year: shown with `Z`, exactly as before a job had a zone.
    let isUTC: Bool

    public static let utc = ShownTime(zone: .gmt)

    public init(zone: TimeZone) {
        self.zone = zone
        let epoch = Date(timeIntervalSince1970: 0)
        isUTC = zone.secondsFromGMT(for: epoch) == 0 && zone.nextDaylightSavingTimeTransition(after: epoch) == nil
    }

    /// The zone's offset from UTC at `epochSeconds`, in seconds.
    public func offset(at epochSeconds: Int64) -> Int64 {
        isUTC ? 0 : Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds))))
    }

    /// `2026-11-27T03:00:00+01:00`.
    public func timestamp(_ epochSeconds: Int64) -> String {
        if isUTC { return ValueFormatter.timestamp(epochSeconds) }
        let offset = offset(at: epochSeconds)
        // The local wall clock is the UTC text of the shifted instant, without its `Z`.
        guard let local = Self.shifted(epochSeconds, by: offset) else { return ValueFormatter.timestamp(epochSeconds) }
        return String(ValueFormatter.timestamp(local).dropLast()) + Self.offsetText(offset)
    }

    /// The local calendar date, `2026-11-27`: the nightly subject's `{{date}}`.
    public func date(_ epochSeconds: Int64) -> String {
        String(ValueFormatter.timestamp(Self.shifted(epochSeconds, by: offset(at: epochSeconds)) ?? epochSeconds).prefix(10))
    }

    /// nil at the very ends of the 64-bit range, where a corrupt time is shown in UTC rather than trapping.
    static func shifted(_ epochSeconds: Int64, by offset: Int64) -> Int64? {
        let (local, overflow) = epochSeconds.addingReportingOverflow(offset)
        return overflow ? nil : local
    }

    /// A UTC timestamp of a machine output (the run report's `now`) as people see it.
    public func reshown(_ utc: String) -> String {
        let parser = ISO8601DateFormatter()
        return parser.date(from: utc).map { timestamp(Int64($0.timeIntervalSince1970.rounded(.down))) } ?? utc
    }

    /// `+01:00`, `-05:00`, `+05:45`; seconds only for the rare historical offset that has them.
    static func offsetText(_ offset: Int64) -> String {
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let pad = UTCCalendar.pad
        let text = "\(sign)\(pad(Int(magnitude / 3600), 2)):\(pad(Int(magnitude % 3600 / 60), 2))"
        return magnitude % 60 == 0 ? text : text + ":\(pad(Int(magnitude % 60), 2))"
    }
}
