import Foundation

/// The job's `timezone` (behaviour.md "The operator's time and trends"): an IANA name, UTC when absent. It sets how times
/// are shown to people and where the calendar windows (`today`, `yesterday`) begin.
enum TimezoneParser {
    static func parse(_ r: inout ObjectReader) -> TimeZone {
        guard let name = r.string("timezone") else { return .gmt }
        if let zone = TimeZone(identifier: name), !name.isEmpty { return zone }
        let known = TimeZone.knownTimeZoneIdentifiers
        let help = Suggestion.closest(name, among: known).map { "did you mean \($0)?" }
            ?? "write an IANA name such as Europe/Berlin or America/New_York"
        r.problem("timezone", "unknown time zone \"\(name)\"; \(help)")
        return .gmt
    }
}
