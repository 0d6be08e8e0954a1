/// `baseline: { of, weeks, stat }`: the value an alert compares is its value
/// ÷ the statistic of the same area over earlier windows of the same length —
/// the same hour of the same weekday in each of the previous `weeks` weeks
/// (`same_hour`), or each of the previous `weeks`×24 hours (`hour`).
public struct Baseline: Sendable, Equatable {
    public enum Of: String, Sendable { case sameHour = "same_hour", hour }
    public enum Stat: String, Sendable { case median, mean }
    public var of: Of
    public var weeks: Int
    public var stat: Stat

    /// How far back (seconds) the earliest sample window ends.
    var reach: Int64 { of == .sameHour ? Int64(weeks) * 7 * 86_400 : Int64(weeks) * 24 * 3_600 }

    /// The shifts (seconds) of the sample windows, nearest first.
    var shifts: [Int64] {
        of == .sameHour ? (1...max(weeks, 1)).map { Int64($0) * 7 * 86_400 } : (1...max(weeks * 24, 1)).map { Int64($0) * 3_600 }
    }

    func statistic(_ samples: [Double]) -> Double {
        guard !samples.isEmpty else { return 0 }
        switch stat {
        case .mean: return samples.reduce(0, +) / Double(samples.count)
        case .median:
            let sorted = samples.sorted()
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        }
    }

    static func parse(_ r: inout ObjectReader) -> Baseline? {
        let ofName = r.string("of") ?? "same_hour"
        let of = Of(rawValue: ofName)
        if of == nil { r.problem("of", "unknown value \"\(ofName)\"; use same_hour or hour") }
        if !r.has("weeks") { r.problem("weeks", "is required: how many weeks (of: hour, days) of history the baseline takes") }
        let weeks = r.integer("weeks")
        if let weeks, !(1...52).contains(weeks) { r.problem("weeks", "must be 1 to 52") }
        let statName = r.string("stat") ?? "median"
        let stat = Stat(rawValue: statName)
        if stat == nil { r.problem("stat", "unknown value \"\(statName)\"; use median or mean") }
        guard let of, let weeks, (1...52).contains(weeks), let stat else { return nil }
        return Baseline(of: of, weeks: weeks, stat: stat)
    }
}
