import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `klaxon test` (behaviour.md "Operators' interfaces"): decides exactly as a run would, scripts included, and
/// renders a message that never shows a blank where a value would be.
@Suite struct AlertTesterTests {
    @Test func aScriptAlertIsTestedByRunningItsScript() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,credit\nC1,One,5\nC2,Two,50\nC3,Three,1\n")
        chmod(scratch.write("check.sh", """
        #!/bin/sh
        cat > /dev/null
        echo '[{"company": "C1", "fire": true, "value": 1.5, "message": "runs dry in 1.5 h"}, {"company": "C3", "fire": true}]'
        """, age: 0), 0o755)
        let job = try scratch.job("""
        { name: "scripted", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Runway", scope: { type: "customer" }, to: ["noc@example.com"], area: "script", script: "check.sh" } ] }
        """)
        let now = epoch("2026-11-27T01:00:00Z")
        // The run commits the snapshot and leaves the state as `klaxon test` will read it.
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T00:30:00Z"), dryRun: false, deliverTo: scratch.url("out"))).run()
        let tester = AlertTester(job: job, now: now)
        let c1 = try tester.test(alert: "Runway", company: "C1")
        #expect(c1.formattedValue.hasPrefix("1.5"), "\(c1.formattedValue)")
        #expect(!c1.formattedValue.contains("balance snapshot"))
        #expect(c1.text.contains("runs dry in 1.5 h"), "the script's message reaches the rendered test message")
        let c2 = try tester.test(alert: "Runway", company: "C2")
        #expect(c2.decision == .missing)
        #expect(c2.formattedValue == "no value (the script gave no verdict for this company: it left it out of its output)")
        let c3 = try tester.test(alert: "Runway", company: "C3")
        #expect(c3.formattedValue == "no value (the script says fire: true)")
        #expect(!c3.text.contains("currently"), "a verdict without a value leaves the value sentence out: \(c3.text)")
    }

    @Test func aScriptAlertTestDecidesAsTheRunDid() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,credit\nC1,One,5\n")
        chmod(scratch.write("check.sh", "#!/bin/sh\necho '[{\"company\": \"C1\", \"fire\": true, \"value\": 2}]'\n", age: 0), 0o755)
        let job = try scratch.job("""
        { name: "scripted", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Runway", scope: { type: "customer" }, to: ["noc@example.com"], area: "script", script: "check.sh" } ] }
        """)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T00:00:00Z"), deliverTo: scratch.url("out"))).run()
        // The first real run fired; one at 01:00 would hold. The test says the same as that run.
        let dry = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), dryRun: true)).run()
        let test = try AlertTester(job: job, now: epoch("2026-11-27T01:00:00Z")).test(alert: "Runway", company: "C1")
        #expect(test.instanceStatus == .triggered)
        #expect(test.decision == .held)
        #expect(dry.alerts.first?.triggered == 1 && dry.decisions.isEmpty, "held, which a report leaves out")
    }

    @Test func insufficientDataIsSaidInTheMessageNotLeftBlank() throws {
        let scratch = Scratch()
        scratch.write("drop/c.csv", cdrHeader + "2026-11-27 00:30:00,x,C1,P1,1,10,200,,0,0\n")
        let job = try scratch.job("""
        { name: "asr", state: "state", inputs: { cdrs: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Low ASR", company: "C1", to: ["noc@example.com"], area: "asr", operator: "<", threshold: 30, sample_period: "1h" } ] }
        """)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let test = try AlertTester(job: job, now: epoch("2026-11-27T01:00:00Z")).test(alert: "Low ASR", company: "C1")
        #expect(test.decision == .insufficientData)
        #expect(test.formattedValue == "insufficient data (1 of 10 calls)")
        #expect(!test.text.contains("at ."), "\(test.text)")
        #expect(test.text.contains("is currently at insufficient data (1 of 10 calls)."), "\(test.text)")
        #expect(test.sms.contains("asr insufficient data (1 of 10 calls)"), "\(test.sms)")
    }

    @Test func aCompanyKnownOnlyFromCDRsIsDescribedSo() throws {
        let scratch = Scratch()
        scratch.write("drop/c.csv", cdrHeader + "2026-11-27 00:30:00,x,C1,P1,1,10,200,,0,0\n")
        let job = try scratch.job("""
        { name: "bal", state: "state", inputs: { cdrs: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Low Balance", company: "C1", to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let test = try AlertTester(job: job, now: epoch("2026-11-27T01:00:00Z")).test(alert: "Low Balance", company: "C1")
        #expect(test.decision == .missing)
        #expect(test.formattedValue == "no value (the company is not in the current balance snapshot; it is known from CDRs only)")
    }

    @Test func toNeedsTheChannelsSettingsAndASendThatSendsNothingFails() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,credit\nC1,One,5\n")
        let job = try scratch.job("""
        { name: "bal", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Low Balance", company: "C1", to: ["contacts"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let tester = AlertTester(job: job, now: epoch("2026-11-27T01:00:00Z"))
        #expect(throws: KlaxonError.self) { try tester.test(alert: "Low Balance", company: "C1", to: [.phone("+15550199")]) }
        let redirected = try tester.test(alert: "Low Balance", company: "C1", to: [.email("me@ops.example")])
        #expect(redirected.email?.recipients == ["me@ops.example"])
        // C1 has no contacts: the alert's own recipients reach no one.
        let own = try tester.test(alert: "Low Balance", company: "C1")
        let sent = AlertTester.send(own, through: FileSink(directory: scratch.url("sent")))
        #expect(sent.failed)
        #expect(sent.lines == ["nothing sent: the alert has no recipient this job can reach for this company"])
    }

    @Test func toTakesAddressesAndNumbersAndRefusesAnythingElse() throws {
        #expect(try AlertTester.recipients("me@example.org, +15550199") == [.email("me@example.org"), .phone("+15550199")])
        #expect(throws: KlaxonError.self) { try AlertTester.recipients("contacts") }
        #expect(throws: KlaxonError.self) { try AlertTester.recipients(" , ") }
        #expect(throws: KlaxonError.self) { try AlertTester.recipients("+12") }
    }
}
