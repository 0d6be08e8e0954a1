import KlaxonEngine
/// The value of an area for one company, or why there is none.
public enum MetricValue: Sendable, Equatable {
    case value(Double)
    /// Fewer than `min_calls` of the calls the area counts (`of`) in the window.
    case insufficientData(have: Int, need: Int, of: Sample = .calls)
    /// The window reaches before the history the state holds (`WindowCoverage`).
    case uncoveredWindow(WindowCoverage)
    /// The company is not in the balance snapshot (or no snapshot has arrived).
    case missing
}

/// What a ratio's `min_calls` counts: its denominator, so that "insufficient
/// data (20 of 10 …)" cannot happen.
public enum Sample: String, Sendable {
    case calls
    case connectedCalls = "connected calls"
    case callsWithout3xx = "calls without a 3xx answer"
    case callsWithPDD = "calls with a known PDD"
    /// A `baseline` needs its weeks of history, and a baseline of at least `min_baseline`.
    case baselineHours = "hours of baseline history"
    case baselineAboveMinimum = "baseline at or above min_baseline"
}

/// Computes behaviour.md "Metrics and windows"'s areas from a window total and the company's snapshot.
public enum MetricCalculator {
    public static func value(of area: Area, window: MinuteBucket, company: Company, failures: FailureStreak?, minCalls: Int) -> MetricValue {
        let attempts = Double(window.attempts)
        let connected = Double(window.connected)
        switch area {
        case .balance:
            return company.credit.map { .value($0) } ?? .missing
        case .availableCredit:
            return company.credit.map { .value($0 + company.debitLimit) } ?? .missing
        case .consecutiveFailures:
            return .value(Double(failures?.count ?? 0))
        case .asr:
            guard Int(window.attempts) >= max(minCalls, 1) else { return .insufficientData(have: Int(window.attempts), need: max(minCalls, 1)) }
            return .value(connected / attempts * 100)
        case .ner:
            // 3xx answers are outside NER's denominator, so outside its sample too.
            let denominator = Int(window.attempts - window.redirects)
            guard denominator >= max(minCalls, 1) else { return .insufficientData(have: denominator, need: max(minCalls, 1), of: .callsWithout3xx) }
            return .value(Double(window.nerSuccesses) / Double(denominator) * 100)
        case .acd:
            guard Int(window.connected) >= max(minCalls, 1) else { return .insufficientData(have: Int(window.connected), need: max(minCalls, 1), of: .connectedCalls) }
            return .value(Double(window.talkSeconds) / connected)
        case .pdd:
            guard Int(window.attempts) >= max(minCalls, 1) else { return .insufficientData(have: Int(window.attempts), need: max(minCalls, 1)) }
            guard window.pddCount > 0 else { return .insufficientData(have: 0, need: 1, of: .callsWithPDD) }
            return .value(Double(window.pddMillisecondsSum) / Double(window.pddCount))
        case .attempts:
            return .value(attempts)
        case .connected:
            return .value(connected)
        case .minutes:
            return .value(Double(window.talkSeconds) / 60)
        case .spend:
            let micros = company.type == .carrier ? window.providerCharge : window.customerCharge
            return .value(Double(micros) / 1_000_000)
        case .profit:
            return .value(Double(window.customerCharge - window.providerCharge) / 1_000_000)
        case .script, .callsPerMinute, .concurrentCalls, .sequentialCalls, .maxDuration:
            // The per-call areas are measured from the call log (`CallLogMeasure`), not a bucket sum.
            return .missing
        }
    }
}
