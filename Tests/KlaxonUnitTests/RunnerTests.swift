import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct RunnerTests {
    func run(_ job: Job, now: String, dryRun: Bool = false, deliverTo: String? = nil) throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at(now), dryRun: dryRun, deliverTo: deliverTo)).run()
    }

    func call(_ stamp: String, _ customer: String = "C1", duration: Int = 10) -> String {
        "\(stamp),id,\(customer),P1,1,\(duration),\(duration > 0 ? 200 : 503),,0,0\n"
    }

    @Test func aWindowRollsAcrossThreeRunsExactToTheMinute() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Attempts", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "always", sample_period: "1h" } ] }
        """)
        func attempts(_ report: RunReport) -> Double? { report.decisions.first { $0.alert == "Attempts" }?.value }

        scratch.write("drop/1.csv", cdrHeader + call("2026-11-26 23:59:59") + call("2026-11-27 00:00:00") + call("2026-11-27 00:59:59") + call("2026-11-27 01:00:00"))
        // m = 01:00 → [00:00, 01:00): 00:00:00 and 00:59:59; the 01:00:00 call is in the current minute.
        #expect(attempts(try run(job, now: "2026-11-27T01:00:00Z", deliverTo: scratch.url("out"))) == 2)

        scratch.write("drop/2.csv", cdrHeader + call("2026-11-27 01:29:59") + call("2026-11-27 01:30:10"))
        // m = 01:30 → [00:30, 01:30): 00:59:59, 01:00:00, 01:29:59.
        #expect(attempts(try run(job, now: "2026-11-27T01:30:45Z", deliverTo: scratch.url("out"))) == 3)

        scratch.write("drop/3.csv", cdrHeader + call("2026-11-27 01:59:00"))
        // m = 02:00 → [01:00, 02:00): 01:00:00, 01:29:59, 01:30:10, 01:59:00.
        #expect(attempts(try run(job, now: "2026-11-27T02:00:00Z", deliverTo: scratch.url("out"))) == 4)
    }

    @Test func aDecisionWithoutAValueCarriesNoneNotTheLastRunsValue() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "ASR", company: "C1", to: ["noc@example.com"], area: "asr", operator: "<", threshold: 30, sample_period: "1h", min_calls: 2 } ] }
        """)
        scratch.write("drop/1.csv", cdrHeader + call("2026-11-27 00:10:00") + call("2026-11-27 00:20:00", duration: 0))
        let first = try run(job, now: "2026-11-27T01:00:00Z", deliverTo: scratch.url("out"))
        // 50% is above the threshold: ok, which a report leaves out; the instance remembers 50.
        #expect(first.decisions.isEmpty)
        let empty = try run(job, now: "2026-11-27T03:00:00Z", deliverTo: scratch.url("out"))
        let decision = try #require(empty.decisions.first { $0.alert == "ASR" })
        #expect(decision.decision == .insufficientData)
        #expect(decision.value == nil, "no calls in the window: no value, not the previous run's 50")
        let json = ReportArchive.encode(empty)
        #expect(!json.contains("\"value\" : 50") && !json.contains("\"value\":50"), "\(json)")
    }

    @Test func aFiringForACompanyWithoutContactsIsSaidAndExitsTwo() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop", settle: "0s" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        scratch.write("drop/b.csv", "id,name,credit,email\nC1,One,5,\nC2,Two,5,b@c2.example\n")
        let report = try run(job, now: "2026-11-27T01:00:00Z", deliverTo: scratch.url("out"))
        #expect(Set(report.decisions.map(\.company)) == ["C1", "C2"])
        #expect(report.warnings.contains { $0.contains("alert \"Low Balance\" fired for company C1 but notified no one") }, "\(report.warnings)")
        #expect(!report.warnings.contains { $0.contains("company C2") })
        #expect(report.exitCode == 2)
    }

    @Test func aDryRunLeavesTheStateFolderByteIdentical() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          penalties: { file: "penalties.csv" },
          alerts: [ { title: "ASR", company: "C1", to: ["noc@example.com"], area: "asr", operator: "<", threshold: 50, sample_period: "1h", min_calls: 1, penalty: "1h" } ] }
        """)
        scratch.write("drop/1.csv", cdrHeader + call("2026-11-27 00:10:00"))
        _ = try run(job, now: "2026-11-27T01:00:00Z", deliverTo: scratch.url("out"))
        scratch.write("drop/2.csv", cdrHeader + call("2026-11-27 01:10:00", duration: 0) + call("2026-11-27 01:11:00", duration: 0))
        let before = try snapshot(scratch.path)
        let report = try run(job, now: "2026-11-27T02:00:00Z", dryRun: true)
        #expect(report.decisions.contains { $0.decision == .fired }, "the dry run should have something to show")
        #expect(report.previews?.isEmpty == false)
        #expect(try snapshot(scratch.path) == before)
    }

    @Test func aRunWritesTheMessagesAsFilesAndRecordsThemDelivered() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { name: "j", state: "state", brand: "ACME", inputs: { balances: { path: "drop" } },
          email: { url: "smtp://h:25", from: "NOC <noc@example.com>" },
          sms: { provider: "webhook", url: "http://127.0.0.1:9/sms" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts", "ops@example.com"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        scratch.write("drop/b.csv", "id,name,credit,currency,email,phone\nC1,Café Olé,5,EUR,a@c1.example;bad address,+15550101\nC2,Fine,100,EUR,b@c2.example,\n")
        let report = try run(job, now: "2026-11-27T01:00:00Z", deliverTo: scratch.url("out"))
        #expect(report.exitCode == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.url("out")).sorted()
        #expect(files.filter { $0.hasSuffix(".eml") }.count == 1)
        #expect(files.filter { $0.hasSuffix(".sms.json") }.count == 1)
        let eml = try #require(files.first { $0.hasSuffix(".eml") }.flatMap { scratch.read("out/\($0)") })
        #expect(eml.hasPrefix("X-Klaxon-Envelope-To: a@c1.example, ops@example.com\r\n"))
        #expect(eml.contains("Subject: =?UTF-8?B?"), "a non-ASCII company name makes the subject encoded")
        #expect(eml.contains("Message-ID: <klaxon."))
        #expect(report.warnings.contains { $0.contains("bad address") })
        let sms = try #require(files.first { $0.hasSuffix(".sms.json") }.flatMap { scratch.read("out/\($0)") })
        #expect(sms.contains("\"to\":\"+15550101\""))
        // Delivered items leave the outbox; a second run sends nothing new.
        let again = try run(job, now: "2026-11-27T02:00:00Z", deliverTo: scratch.url("out"))
        #expect(again.notifications.isEmpty)
        #expect(try StateStore(directory: job.stateDirectory).load().meta.outbox.isEmpty)
    }

    @Test func failedDeliveriesStayInTheOutboxAndAreRetriedUntilTheyGiveUp() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          delivery: { give_up_after: "3h", retry_backoff: "30m" },
          alerts: [ { title: "Low", company: "C1", to: ["ops@example.com"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        scratch.write("drop/b.csv", "id,credit\nC1,5\n")
        let first = try run(job, now: "2026-11-27T01:00:00Z")
        #expect(first.notifications.map(\.result) == [.failed])
        #expect(first.exitCode == 2)
        let waiting = try run(job, now: "2026-11-27T01:10:00Z")
        #expect(waiting.notifications.map(\.result) == [.waiting], "the 30m backoff has not passed")
        let retried = try run(job, now: "2026-11-27T01:31:00Z", deliverTo: scratch.url("out"))
        #expect(retried.notifications.map(\.result) == [.sent])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url("out")).count == 1)

        scratch.write("drop/b2.csv", "id,credit\nC1,50\n")
        _ = try run(job, now: "2026-11-27T02:00:00Z")
        scratch.write("drop/b3.csv", "id,credit\nC1,1\n")
        _ = try run(job, now: "2026-11-27T03:00:00Z")
        let dead = try run(job, now: "2026-11-27T06:00:00Z")
        #expect(dead.notifications.map(\.result) == [.dead])
        #expect(StatusReport.text(job: job, state: try StateStore(directory: job.stateDirectory).loadCurrent()).contains("1 dead"))
        // A week on, the dead item is removed and the run says so.
        let later = try run(job, now: "2026-12-04T04:00:00Z")
        #expect(later.dropped.contains { $0.contains("removed after 7 days") })
        #expect(try StateStore(directory: job.stateDirectory).loadCurrent().meta.outbox.isEmpty)
    }

    @Test func penaltiesArePublishedAsCSVAndLoggedOnApplyAndLift() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          penalties: { file: "out/penalties.csv" },
          alerts: [ { title: "Bad, \\"carrier\\"", company: "=P1", to: ["noc@example.com"], area: "asr", operator: "<", threshold: 50, sample_period: "1h", min_calls: 1, penalty: "1h" } ] }
        """)
        scratch.write("drop/1.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,=P1,1,0,503,,0,0\n")
        _ = try run(job, now: "2026-11-27T01:00:00Z", deliverTo: scratch.url("msgs"))
        let csv = try #require(scratch.read("out/penalties.csv"))
        #expect(csv == "id,type,until,alert\n'=P1,carrier,2026-11-27T02:00:00Z,\"Bad, \"\"carrier\"\"\"\n")
        let lifted = try run(job, now: "2026-11-27T02:00:00Z", deliverTo: scratch.url("msgs"))
        #expect(lifted.penalties.map(\.kind) == [.lift])
        #expect(scratch.read("out/penalties.csv") == "id,type,until,alert\n")
        let log = try #require(scratch.read("state/penalties.log")).split(separator: "\n")
        #expect(log.count == 2)
        #expect(log[0].contains(",apply,'=P1,carrier,2026-11-27T02:00:00Z,"))
        #expect(log[1].contains(",lift,'=P1,"))
    }

    /// Every file's path and bytes under `root`.
    func snapshot(_ root: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: root)
        while let relative = e?.nextObject() as? String {
            let p = (root as NSString).appendingPathComponent(relative)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue {
                result[relative] = FileManager.default.contents(atPath: p)
            } else {
                result[relative + "/"] = Data()
            }
        }
        return result
    }
}
