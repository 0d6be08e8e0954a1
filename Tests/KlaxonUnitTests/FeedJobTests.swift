import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Feed health and live files": the job's `operators` and an input's `expect_every`, as `check` validates
/// them and as a run's feed watch steps them.
@Suite struct FeedJobTests {
    func problems(_ scratch: Scratch, _ json5: String) -> String {
        scratch.write("job.json5", json5, age: 0)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else { return "" }
        return error.problems.map(\.description).joined(separator: "\n")
    }

    @Test func expectEveryWithoutOperatorsIsRefusedByCheck() {
        let text = problems(Scratch(), """
        { state: "state", inputs: { cdrs: { path: "c", expect_every: "2h" } }, alerts: [] }
        """)
        #expect(text.contains("operators: inputs.cdrs set `expect_every`, but the job has no `operators`"), "\(text)")
    }

    @Test func operatorsAreCheckedAsAnAlertsRecipients() {
        let text = problems(Scratch(), """
        { state: "state", operators: ["noc@", "+1", "contacts", "+15550100"],
          inputs: { cdrs: { path: "c", expect_every: "soon", stale_repeat: "often" }, balances: { path: "b", stale_repeat: "none" } },
          alerts: [] }
        """)
        #expect(text.contains("operators[0]: malformed address \"noc@\""), "\(text)")
        #expect(text.contains("operators[1]: malformed phone number \"+1\""), "\(text)")
        #expect(text.contains("operators: \"contacts\" names a company's own contacts"), "\(text)")
        #expect(text.contains("operators: sends SMS, but the job has no `sms` settings"), "\(text)")
        #expect(text.contains("inputs.cdrs.expect_every: malformed duration \"soon\""), "\(text)")
        #expect(text.contains("inputs.cdrs.stale_repeat: malformed duration \"often\""), "\(text)")
        #expect(text.contains("inputs.balances.stale_repeat: needs `expect_every`"), "\(text)")
    }

    @Test func aValidFeedJobLoadsWithItsSettings() throws {
        let job = try Scratch().job("""
        { state: "state", operators: ["noc@example.com"], email: { url: "smtp://127.0.0.1:25", from: "k@example.com" },
          inputs: { cdrs: { path: "c", mode: "append", expect_every: "90m", stale_repeat: "none" }, balances: { path: "b", expect_every: "1d" } },
          alerts: [] }
        """)
        #expect(job.operators == [.email("noc@example.com")])
        #expect(job.cdrs?.mode == .append && job.cdrs?.feed == FeedExpectation(every: TimeSpan(seconds: 5_400), repeatEvery: nil))
        #expect(job.balances?.mode == .files && job.balances?.feed?.repeatEvery == FeedExpectation.defaultRepeat)
    }

    /// A job that starts watching an input it has long read counts from the newest file
    /// its ledger holds, not from the run that added `expect_every`.
    @Test func aNewlyWatchedInputCountsFromItsNewestTakenFile() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", operators: ["noc@example.com"], email: { url: "smtp://127.0.0.1:25", from: "k@example.com" },
          inputs: { cdrs: { path: "c", expect_every: "2h" } }, alerts: [] }
        """)
        var state = KlaxonState()
        state.meta.ledger.entries["cdrs/a.csv"] = FileLedger.Entry(size: 1, modified: 0, digest: "", outcome: .taken, takenAt: epoch("2026-11-27T01:00:00Z"))
        state.meta.ledger.entries["cdrs/b.csv"] = FileLedger.Entry(size: 1, modified: 0, digest: "", outcome: .rejected, takenAt: epoch("2026-11-27T02:00:00Z"))
        let result = FeedWatch(job: job, now: epoch("2026-11-27T04:00:00Z")).evaluate(&state, files: [])
        #expect(result.statuses.map(\.decision) == [.fired] && result.stale)
        #expect(result.events.first?.alert.recipients == [.email("noc@example.com")])
        #expect(state.meta.feeds?["cdrs"]?.lastArrival == epoch("2026-11-27T01:00:00Z"))

        let later = FeedWatch(job: job, now: epoch("2026-11-27T05:00:00Z"))
            .evaluate(&state, files: [FileReport(input: "cdrs", name: "c.csv", outcome: .taken)])
        #expect(later.statuses.map(\.decision) == [.reset] && !later.stale && later.events.map(\.kind) == [.reset])
    }

    /// A state written before feeds were watched has no `feeds` key and loads unchanged.
    @Test func aStateWithoutFeedsDecodes() throws {
        let meta = try JSONDecoder().decode(StateMeta.self, from: Data(#"{"ledger":{"entries":{"cdrs/a.csv":{"size":1,"modified":0,"digest":"x","outcome":"taken","takenAt":5}}},"companies":{},"instances":{},"penalties":{},"outbox":[],"failureStreaks":{}}"#.utf8))
        #expect(meta.feeds == nil && meta.ledger.entries["cdrs/a.csv"]?.offset == nil)
    }
}
