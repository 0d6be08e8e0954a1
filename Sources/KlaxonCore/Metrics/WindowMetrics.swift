import KlaxonEngine
/// A company's window metrics in the form people and scripts read them: counts
/// and ratios over one sample period ending at `now`'s minute. A ratio with no
/// call to divide by is nil (no `min_calls` rule here: the reader decides).
public struct WindowMetrics: Sendable, Equatable, Encodable {
    public var period: WindowPeriod
    public var attempts: Int
    public var connected: Int
    public var asr: Double?
    public var ner: Double?
    public var acd: Double?
    public var pdd: Double?
    public var minutes: Double
    public var spend: Double
    public var profit: Double

    public init(window: MinuteBucket, company: Company, period: WindowPeriod) {
        func metric(_ area: Area) -> Double? {
            if case .value(let v) = MetricCalculator.value(of: area, window: window, company: company, failures: nil, minCalls: 1) { return v }
            return nil
        }
        self.period = period
        attempts = Int(window.attempts)
        connected = Int(window.connected)
        asr = metric(.asr)
        ner = metric(.ner)
        acd = metric(.acd)
        pdd = metric(.pdd)
        minutes = metric(.minutes) ?? 0
        spend = metric(.spend) ?? 0
        profit = metric(.profit) ?? 0
    }

    enum CodingKeys: String, CodingKey {
        case period, attempts, connected, asr, ner, acd, pdd, minutes, spend, profit
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(period.description, forKey: .period)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(connected, forKey: .connected)
        // Explicit nulls: a script should not have to guess whether a key is missing or empty.
        try c.encode(asr, forKey: .asr)
        try c.encode(ner, forKey: .ner)
        try c.encode(acd, forKey: .acd)
        try c.encode(pdd, forKey: .pdd)
        try c.encode(minutes, forKey: .minutes)
        try c.encode(spend, forKey: .spend)
        try c.encode(profit, forKey: .profit)
    }
}

extension KlaxonState {
    /// The sum of `company`'s buckets over the minutes `[from, to)` of a window
    /// (`Job.bounds(of:now:)`, behaviour.md "Metrics and windows", §23).
    public func window(of company: String, bounds: (from: Int64, to: Int64)) -> MinuteBucket {
        let from = Int32(clamping: bounds.from)
        return buckets[company]?.total(from: from, to: Int32(clamping: bounds.to)) ?? MinuteBucket(minute: from)
    }
}
