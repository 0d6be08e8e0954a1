import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The built-in `alert` template (behaviour.md "Notifications") says only what is true: no blank date
/// for a penalty already lifted, no blank value where there is none.
@Suite struct BuiltInTemplateTests {
    func job(_ scratch: Scratch) throws -> Job {
        try scratch.job("""
        { name: "j", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://h:25", from: "noc@example.com" },
          sms: { provider: "webhook", url: "http://127.0.0.1:9/sms" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["ops@example.com", "+15550100"], area: "balance",
                      operator: "<", threshold: 10, penalty: "1h", send_reset: true } ] }
        """)
    }

    /// Runs at `now` with the balance `credit`, and returns the e-mail text and the SMS body it delivered.
    func run(_ job: Job, _ scratch: Scratch, credit: Int, now: String) throws -> (email: String, sms: String) {
        scratch.write("drop/b-\(now).csv", "id,name,credit\nC1,One,\(credit)\n")
        let out = scratch.url("out-\(now)")
        _ = try Runner(job: job, options: RunOptions(now: at(now), deliverTo: out)).run()
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        let email = try #require(files.first { $0.hasSuffix(".eml") }.flatMap { scratch.read("out-\(now)/\($0)") })
        let smsFile = try #require(files.first { $0.hasSuffix(".sms.json") }.flatMap { scratch.read("out-\(now)/\($0)") })
        let sms = try JSONDecoder().decode([String: String].self, from: Data(smsFile.utf8))["body"] ?? ""
        return (email, sms)
    }

    @Test func aResetAfterThePenaltyWasLiftedSaysNothingOfASuspension() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let fired = try run(job, scratch, credit: 5, now: "2026-11-27T01:00:00Z")
        #expect(fired.email.contains("Traffic is suspended until 2026-11-27T02:00:00Z (1h)."), "\(fired.email)")
        #expect(fired.sms.contains("suspended until 2026-11-27T02:00:00Z"))
        // At 03:00 the penalty (until 02:00) is lifted before the reset is decided.
        let reset = try run(job, scratch, credit: 50, now: "2026-11-27T03:00:00Z")
        #expect(reset.email.contains("has cleared"), "\(reset.email)")
        #expect(!reset.email.contains("suspended"), "\(reset.email)")
        #expect(!reset.sms.contains("suspended"), "\(reset.sms)")
    }

    @Test func aResetWhileThePenaltyRunsSaysTrafficRemainsSuspended() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        _ = try run(job, scratch, credit: 5, now: "2026-11-27T01:00:00Z")
        let reset = try run(job, scratch, credit: 50, now: "2026-11-27T01:30:00Z")
        #expect(reset.email.contains("Traffic remains suspended until 2026-11-27T02:00:00Z."), "\(reset.email)")
        #expect(reset.sms.contains("suspended until 2026-11-27T02:00:00Z"), "\(reset.sms)")
    }

    @Test func aMessageWithoutAValueLeavesTheValueSentenceOut() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let alert = try #require(job.alerts.first)
        let event = AlertEvent(alert: alert, company: Company(id: "C1", name: "One"), kind: .fired, value: nil, message: nil,
                               window: nil, penaltyUntil: nil, now: epoch("2026-11-27T01:00:00Z"))
        let rendered = NotificationComposer(job: job, now: event.now).render(event)
        #expect(rendered.text.contains("The balance threshold of 10.00 has been reached.\n"), "\(rendered.text)")
        #expect(!rendered.text.contains("currently at"), "\(rendered.text)")
        #expect(!rendered.sms.contains("  "), "\(rendered.sms)")
    }
}
