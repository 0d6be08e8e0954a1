/// What an alert measures (behaviour.md "Metrics and windows").
public enum Area: String, Sendable, CaseIterable {
    case balance, availableCredit = "available_credit"
    case asr, ner, acd, pdd, attempts, connected, minutes, spend, profit
    case consecutiveFailures = "consecutive_failures"
    case script
    case callsPerMinute = "calls_per_minute"
    case concurrentCalls = "concurrent_calls"
    case sequentialCalls = "sequential_calls"
    case maxDuration = "max_duration"

    /// Windowed areas need a `sample_period`; snapshot areas reject one.
    public var isWindowed: Bool {
        switch self {
        case .balance, .availableCredit, .consecutiveFailures, .script: false
        default: true
        }
    }

    /// Ratio metrics have no value below `min_calls` (ACD counts connected calls).
    public var isRatio: Bool {
        switch self {
        case .asr, .ner, .acd, .pdd: true
        default: false
        }
    }
}
