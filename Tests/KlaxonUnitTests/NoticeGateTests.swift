import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The one decision of what an instance's step notifies: silences, late notices,
/// resets and escalations (hourly runs; the alert is asr <= 30, reset 31).
@Suite struct NoticeGateTests {
    let hour: Int64 = 3_600
    let alert: AlertDefinition = {
        var a = AlertDefinition(title: "Low ASR", file: "job", scope: .company("C1"), recipients: [.email("noc@example.com")],
                                area: .asr, comparison: .lessOrEqual, threshold: 30, resetThreshold: 31,
                                samplePeriod: TimeSpan(seconds: 3_600), minCalls: 10, penalty: TimeSpan(seconds: 1_800),
                                template: "alert", repeatEvery: nil, level: .warning, sendReset: true, script: nil)
        a.escalations = [Escalation(after: TimeSpan(seconds: 7_200), to: [.phone("+447700900123")])]
        return a
    }()

    /// Steps the instance with `value` at hour `h`, then passes the decision through the gate.
    struct Run {
        var instance = AlertInstance(alert: "Low ASR", company: "C1")
        var record: InstanceNotice?

        mutating func step(_ alert: AlertDefinition, value: Double, at now: Int64, silencedBy: String? = nil) -> (Decision, NoticeGate.Outcome) {
            let decision = StateMachine.step(&instance, alert: alert, observation: StateMachine.observe(.value(value), alert: alert),
                                             now: now, interval: TimeSpan(seconds: 3_600))
            let outcome = NoticeGate(now: now, interval: TimeSpan(seconds: 3_600))
                .pass(decision, alert: alert, instance: instance, silencedBy: silencedBy, record: &record)
            return (decision, outcome)
        }
    }

    @Test func aSilencedFiringSendsNothingAppliesNoPenaltyAndIsNotifiedWhenTheSilenceEnds() {
        var run = Run()
        let (fired, quiet) = run.step(alert, value: 29, at: hour, silencedBy: "silence 1 until …")
        #expect(fired == .fired)
        #expect(quiet.notices.isEmpty && !quiet.appliesPenalty)
        #expect(quiet.silencedBy == "silence 1 until …")
        #expect(run.record?.unnotifiedSince == hour)
        let (_, still) = run.step(alert, value: 28, at: 2 * hour, silencedBy: "silence 1 until …")
        #expect(still.notices.isEmpty)
        let (held, late) = run.step(alert, value: 27, at: 3 * hour)
        #expect(held == .held)
        #expect(late.notices == [.init(kind: .fired, recipients: [.email("noc@example.com")], since: hour)])
        #expect(!late.appliesPenalty, "the penalty belongs to the firing the silence swallowed")
        #expect(run.record?.unnotifiedSince == nil)
    }

    @Test func aResetOfAFiringNobodyHeardOfSendsNothing() {
        var run = Run()
        _ = run.step(alert, value: 29, at: hour, silencedBy: "s")
        let (reset, outcome) = run.step(alert, value: 40, at: 2 * hour)
        #expect(reset == .reset)
        #expect(outcome.notices.isEmpty)
        #expect(run.record == nil)
    }

    @Test func aResetOfANotifiedFiringIsSentEvenWhileSilenced() {
        var run = Run()
        let (_, fired) = run.step(alert, value: 29, at: hour)
        #expect(fired.notices.map(\.kind) == [.fired] && fired.appliesPenalty)
        let (_, reset) = run.step(alert, value: 40, at: 2 * hour, silencedBy: "maintenance \"nightly\"")
        #expect(reset.notices.map(\.kind) == [.reset])
        #expect(reset.silencedBy == nil, "a reset is never swallowed, so it is not reported as silenced")
    }

    @Test func withoutSendResetNoResetIsSentWhateverWasTold() {
        var quietAlert = alert
        quietAlert.sendReset = false
        var run = Run()
        _ = run.step(quietAlert, value: 29, at: hour)
        #expect(run.step(quietAlert, value: 40, at: 2 * hour).1.notices.isEmpty)
    }

    @Test func aRepeatDecidedWhileSilencedSendsNothingAndTheNextIsARepeat() {
        var repeating = alert
        repeating.repeatEvery = TimeSpan(seconds: 3_600)
        repeating.escalations = []
        var run = Run()
        _ = run.step(repeating, value: 29, at: hour)
        let (repeated, quiet) = run.step(repeating, value: 29, at: 2 * hour, silencedBy: "s")
        #expect(repeated == .repeated && quiet.notices.isEmpty && !quiet.appliesPenalty && quiet.silencedBy == "s")
        let (again, sent) = run.step(repeating, value: 29, at: 3 * hour)
        #expect(again == .repeated)
        #expect(sent.notices.map(\.kind) == [.repeat] && sent.appliesPenalty)
    }

    @Test func aRepeatPastTheEscalationDelayAlsoEscalates() {
        var repeating = alert
        repeating.repeatEvery = TimeSpan(seconds: 3_600)
        var run = Run()
        _ = run.step(repeating, value: 29, at: hour)
        _ = run.step(repeating, value: 29, at: 2 * hour)
        #expect(run.step(repeating, value: 29, at: 3 * hour).1.notices.map(\.kind) == [.repeat, .escalated])
    }

    @Test func anEscalationIsSentOnceAfterItsDelayAndTheResetGoesToEveryoneTold() {
        var run = Run()
        _ = run.step(alert, value: 29, at: hour)
        #expect(run.step(alert, value: 29, at: 2 * hour).1.notices.isEmpty)
        let (_, escalated) = run.step(alert, value: 29, at: 3 * hour)
        #expect(escalated.notices == [.init(kind: .escalated, recipients: [.phone("+447700900123")], since: hour)])
        #expect(run.step(alert, value: 29, at: 4 * hour).1.notices.isEmpty, "once only")
        let (_, reset) = run.step(alert, value: 40, at: 5 * hour)
        #expect(reset.notices == [.init(kind: .reset, recipients: [.email("noc@example.com"), .phone("+447700900123")], since: nil)])
        #expect(run.record == nil)
    }

    @Test func aSilencedInstanceDoesNotEscalateAndItsDelayCountsFromItsLateNotice() {
        var run = Run()
        _ = run.step(alert, value: 29, at: hour, silencedBy: "s")
        for h in 2...5 { #expect(run.step(alert, value: 29, at: Int64(h) * hour, silencedBy: "s").1.notices.isEmpty) }
        let (_, late) = run.step(alert, value: 29, at: 6 * hour)
        #expect(late.notices.map(\.kind) == [.fired], "the on-call hears first, not the manager")
        #expect(run.step(alert, value: 29, at: 7 * hour).1.notices.isEmpty)
        #expect(run.step(alert, value: 29, at: 8 * hour).1.notices.map(\.kind) == [.escalated])
    }

    @Test func anEscalationDueWhileSilencedWaitsForTheSilenceToEnd() {
        var run = Run()
        _ = run.step(alert, value: 29, at: hour)
        #expect(run.step(alert, value: 29, at: 3 * hour, silencedBy: "s").1.notices.isEmpty)
        #expect(run.step(alert, value: 29, at: 4 * hour).1.notices.map(\.kind) == [.escalated])
    }
}
