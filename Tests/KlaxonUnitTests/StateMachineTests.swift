import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct StateMachineTests {
    func alert(_ op: Comparison, _ threshold: Double?, reset: Double? = nil, repeatEvery: String? = nil) -> AlertDefinition {
        AlertDefinition(title: "A", file: "job", scope: .company("C"), recipients: [], area: .asr, comparison: op,
                        threshold: threshold, resetThreshold: reset, samplePeriod: TimeSpan(seconds: 3600), minCalls: 10,
                        penalty: nil, template: "alert", repeatEvery: repeatEvery.flatMap { TimeSpan(parsing: $0) },
                        level: .warning, sendReset: false, script: nil)
    }

    func run(_ alert: AlertDefinition, values: [MetricValue], start: Int64 = 0, every: Int64 = 3600) -> [Decision] {
        var instance = AlertInstance(alert: "A", company: "C")
        return values.enumerated().map { i, v in
            StateMachine.step(&instance, alert: alert, observation: StateMachine.observe(v, alert: alert),
                              now: start + Int64(i) * every, interval: TimeSpan(seconds: 3600))
        }
    }

    @Test func theLowAsrWarningWorkedExample() {
        // asr <= 30, reset 31: 29 fires; 30.5 nothing; 33 reset; 28 fires again.
        let decisions = run(alert(.lessOrEqual, 30, reset: 31), values: [.value(29), .value(30.5), .value(33), .value(28)])
        #expect(decisions == [.fired, .held, .reset, .fired])
    }

    @Test func withoutResetThresholdTheAlertResetsWhenTheConditionStopsHolding() {
        #expect(run(alert(.greaterThan, 50), values: [.value(51), .value(50), .value(51)]) == [.fired, .reset, .fired])
    }

    @Test func missingOrInsufficientDataKeepsTheStateAsItWas() {
        let decisions = run(alert(.lessOrEqual, 30, reset: 31), values: [.value(20), .insufficientData(have: 3, need: 10), .missing, .value(40)])
        #expect(decisions == [.fired, .insufficientData, .missing, .reset])
    }

    @Test func repeatFiresAgainWithinHalfAnIntervalOfTheDueTime() {
        let a = alert(.lessThan, 30, repeatEvery: "1d")
        var instance = AlertInstance(alert: "A", company: "C")
        func step(_ now: Int64) -> Decision {
            StateMachine.step(&instance, alert: a, observation: .measured(value: 10, holds: true, resets: false), now: now, interval: TimeSpan(seconds: 3600))
        }
        #expect(step(9) == .fired)
        #expect(step(86_400 - 1_800 + 8) == .held)      // more than half an interval early
        #expect(step(86_400 - 1_800 + 9) == .repeated)  // exactly at the tolerance edge
        // The next repeat is due a day after the one that fired, less the same tolerance.
        let repeated: Int64 = 86_400 - 1_800 + 9
        #expect(step(repeated + 86_400 - 1_800 - 1) == .held)
        #expect(step(repeated + 86_400 - 1_800) == .repeated)
    }

    @Test func alwaysFiresEveryRunOrOncePerRepeat() {
        #expect(run(alert(.always, nil), values: [.value(1), .value(2)]) == [.fired, .fired])
        #expect(run(alert(.always, nil, repeatEvery: "1d"), values: Array(repeating: .value(1), count: 25)).filter { $0 == .fired }.count == 2)
    }

    @Test func equalComparesAtTwoDecimals() {
        #expect(Comparison.equal.holds(29.999, threshold: 30))
        #expect(!Comparison.equal.holds(29.98, threshold: 30))
    }
}
