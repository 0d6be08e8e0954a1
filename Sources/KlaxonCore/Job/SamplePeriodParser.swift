/// An alert's `sample_period`: a duration (`1h`), or a local calendar day of the
/// job's `timezone` (`today`, `yesterday`; behaviour.md "The operator's time and trends").
enum SamplePeriodParser {
    /// The calendar day named, consuming the field; nil for anything else.
    static func calendarDay(_ r: inout ObjectReader) -> CalendarDay? {
        guard let day = r.object["sample_period"]?.stringValue.flatMap(CalendarDay.init(rawValue:)) else { return nil }
        _ = r.raw("sample_period")
        return day
    }

    /// A duration, with the calendar days named in the problem of a malformed one.
    static func duration(_ r: inout ObjectReader) -> TimeSpan? {
        guard let text = r.string("sample_period") else { return nil }
        guard let span = TimeSpan(parsing: text) else {
            let help = Suggestion.closest(text, among: CalendarDay.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"?" }
                ?? "write e.g. 30s, 5m, 1h, 1d, 1h30m, \"today\" or \"yesterday\""
            r.problem("sample_period", TimeSpan.tooLong(text) ?? "malformed duration \"\(text)\"; \(help)")
            return nil
        }
        return span
    }
}
