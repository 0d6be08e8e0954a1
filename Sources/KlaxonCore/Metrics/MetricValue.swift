/// The value of an area for one company, or why there is none.
public enum MetricValue: Sendable, Equatable {
    case value(Double)
    /// Fewer than `min_calls` attempts (connected calls for ACD) in the window.
    case insufficientData(have: Int, need: Int)
    /// The window reaches before the history the state holds (`WindowCoverage`).
    case uncoveredWindow(WindowCoverage)
    /// The company is not in the balance snapshot (or no snapshot has arrived).
    case missing
}

/// Computes SPEC §4's areas from a window total and the company's snapshot.
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
            let denominator = Int(window.attempts - window.redirects)
            guard Int(window.attempts) >= max(minCalls, 1), denominator > 0 else { return .insufficientData(have: Int(window.attempts), need: max(minCalls, 1)) }
            return .value(Double(window.nerSuccesses) / Double(denominator) * 100)
        case .acd:
            guard Int(window.connected) >= max(minCalls, 1) else { return .insufficientData(have: Int(window.connected), need: max(minCalls, 1)) }
            return .value(Double(window.talkSeconds) / connected)
        case .pdd:
            guard Int(window.attempts) >= max(minCalls, 1), window.pddCount > 0 else { return .insufficientData(have: Int(window.pddCount), need: max(minCalls, 1)) }
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
        case .script:
            return .missing
        }
    }
}
