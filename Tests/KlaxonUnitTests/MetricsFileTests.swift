import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The metrics file (behaviour.md "Feed health and live files") after a clean run, a run with rejected rows, a failed
/// delivery and a state that cannot be committed.
@Suite struct MetricsFileTests {
    /// Every e-mail attempt fails, as an unreachable server would.
    struct FailingSink: DeliverySink {
        func deliver(_ item: OutboxItem) throws(SendFailure) { throw SendFailure("connection refused") }
    }

    let jobText = """
    { name: "hourly \\"east\\"", state: "state", metrics_file: "metrics/klaxon.prom",
      inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
      email: { url: "smtp://h:25", from: "noc@example.com" },
      alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10, penalty: "1h" } ] }
    """

    func prepared() throws -> (Scratch, Job) {
        let scratch = Scratch()
        try FileManager.default.createDirectory(atPath: scratch.url("metrics"), withIntermediateDirectories: true)
        scratch.write("drop/balances/b-1.csv", "id,name,type,credit\nC1,Acme,customer,5\nC2,Beta,customer,50\nP1,Carrier,carrier,0\n")
        scratch.write("drop/cdrs/c-1.csv", cdrHeader + "2026-11-27 00:50:00,x,C1,P1,1,10,200,,0,0\n")
        return (scratch, try scratch.job(jobText))
    }

    func run(_ job: Job, _ now: String, sink: (any DeliverySink)? = nil, _ scratch: Scratch) throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at(now), deliverTo: sink == nil ? scratch.url("sent") : nil), sink: sink).run()
    }

    /// Sample name with labels → value, for every sample line.
    func samples(_ scratch: Scratch) throws -> [String: String] {
        let text = try #require(scratch.read("metrics/klaxon.prom"))
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let cut = try #require(line.lastIndex(of: " "))
            out[String(line[..<cut])] = String(line[line.index(after: cut)...])
        }
        return out
    }

    let job = #"job="hourly \"east\"""#

    @Test func aCleanRunWritesEverySeriesWithTheJobLabelAndNoTimestamps() throws {
        let (scratch, job) = try prepared()
        let report = try run(job, "2026-11-27T01:00:00Z", scratch)
        #expect(report.exitCode == 0, "\(report.warnings)")
        let text = try #require(scratch.read("metrics/klaxon.prom"))
        let s = try samples(scratch)
        #expect(s["klaxon_last_run_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:00:00Z"))")
        #expect(s["klaxon_last_success_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:00:00Z"))")
        #expect(s["klaxon_rows_total{\(self.job),input=\"balances\",outcome=\"folded\"}"] == "3")
        #expect(s["klaxon_rows_total{\(self.job),input=\"cdrs\",outcome=\"folded\"}"] == "1")
        #expect(s["klaxon_rows_total{\(self.job),input=\"cdrs\",outcome=\"rejected\"}"] == "0")
        #expect(s["klaxon_files_total{\(self.job),input=\"cdrs\",outcome=\"taken\"}"] == "1")
        #expect(s["klaxon_alert_instances{\(self.job),alert=\"Low Balance\",status=\"triggered\"}"] == "1")
        #expect(s["klaxon_alert_instances{\(self.job),alert=\"Low Balance\",status=\"ok\"}"] == "1")
        // The e-mail and the penalty log line, both delivered by this run.
        #expect(s["klaxon_notifications_total{\(self.job),channel=\"email\",result=\"sent\"}"] == "1")
        #expect(s["klaxon_notifications_total{\(self.job),channel=\"penalty_log\",result=\"sent\"}"] == "1")
        #expect(s["klaxon_outbox_items{\(self.job),state=\"pending\"}"] == "0")
        #expect(s["klaxon_penalties_active{\(self.job)}"] == "1")
        #expect(Double(try #require(s["klaxon_run_duration_seconds{\(self.job)}"])) != nil)
        for family in ["klaxon_last_run_timestamp_seconds", "klaxon_last_success_timestamp_seconds", "klaxon_run_duration_seconds",
                       "klaxon_rows_total", "klaxon_files_total", "klaxon_alert_instances", "klaxon_notifications_total",
                       "klaxon_outbox_items", "klaxon_penalties_active"] {
            #expect(text.contains("# HELP \(family) "), "\(family)")
            #expect(text.contains("# TYPE \(family) \(family.hasSuffix("_total") ? "counter" : "gauge")\n"), "\(family)")
        }
        // No sample has a timestamp: a name with labels, one space, one value.
        #expect(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.allSatisfy { $0.hasPrefix("klaxon_") && $0.contains("{\(self.job)") && !$0.split(separator: "}").last!.dropFirst().contains(" ") })

        // Counters add up across runs: the next run's file and its delivery are counted on top.
        scratch.write("drop/cdrs/c-2.csv", cdrHeader + "2026-11-27 01:05:00,y,C1,P1,1,10,200,,0,0\n")
        _ = try run(job, "2026-11-27T01:10:00Z", scratch)
        let next = try samples(scratch)
        #expect(next["klaxon_files_total{\(self.job),input=\"cdrs\",outcome=\"taken\"}"] == "2")
        #expect(next["klaxon_rows_total{\(self.job),input=\"cdrs\",outcome=\"folded\"}"] == "2")
        #expect(next["klaxon_notifications_total{\(self.job),channel=\"email\",result=\"sent\"}"] == "1", "nothing sent by the second run")
        #expect(next["klaxon_last_success_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:10:00Z"))")
    }

    @Test func aRunWithRejectedRowsCountsThemAndKeepsTheLastSuccess() throws {
        let (scratch, job) = try prepared()
        _ = try run(job, "2026-11-27T01:00:00Z", scratch)
        scratch.write("drop/cdrs/c-2.csv", cdrHeader + "2026-11-27 01:05:00,y,C1,P1,1,10,200,,0,0\nnot a date,z,C1,P1,1,10,200,,0,0\n2026-11-27 01:06:00,w,C1,P1,1,ten,200,,0,0\n")
        let report = try run(job, "2026-11-27T01:10:00Z", scratch)
        #expect(report.exitCode == 2)
        let s = try samples(scratch)
        #expect(s["klaxon_rows_total{\(self.job),input=\"cdrs\",outcome=\"rejected\"}"] == "2")
        #expect(s["klaxon_rows_total{\(self.job),input=\"cdrs\",outcome=\"folded\"}"] == "2")
        #expect(s["klaxon_last_run_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:10:00Z"))")
        #expect(s["klaxon_last_success_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:00:00Z"))", "exit 2 is no success")

        // With the file gone (a wiped textfile folder), the state's copy still says when the last success was.
        try FileManager.default.removeItem(atPath: scratch.url("metrics/klaxon.prom"))
        scratch.write("drop/cdrs/c-3.csv", cdrHeader + "bad,v,C1,P1,1,10,200,,0,0\n")
        _ = try run(job, "2026-11-27T01:20:00Z", scratch)
        #expect(try samples(scratch)["klaxon_last_success_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:00:00Z"))")
    }

    @Test func aFailedDeliveryIsCountedOnceAndLeftPending() throws {
        let (scratch, job) = try prepared()
        let report = try run(job, "2026-11-27T01:00:00Z", sink: FailingSink(), scratch)
        #expect(report.exitCode == 2)
        var s = try samples(scratch)
        #expect(s["klaxon_notifications_total{\(self.job),channel=\"email\",result=\"failed\"}"] == "1")
        #expect(s["klaxon_notifications_total{\(self.job),channel=\"email\",result=\"sent\"}"] == "0")
        #expect(s["klaxon_outbox_items{\(self.job),state=\"pending\"}"] == "1")
        #expect(s["klaxon_last_success_timestamp_seconds{\(self.job)}"] == "0", "no run of this job has exited 0")
        // The next run (the retry not due yet) counts the journaled attempt into its commit, not again.
        _ = try run(job, "2026-11-27T01:01:00Z", sink: FailingSink(), scratch)
        s = try samples(scratch)
        #expect(s["klaxon_notifications_total{\(self.job),channel=\"email\",result=\"failed\"}"] == "1")
        let state = try StateStore(job: job).loadCurrent()
        #expect(state.meta.runCounters?.notifications[RunCounters.key("email", "failed")] == 1)
    }

    @Test func aStateThatCannotBeCommittedReportsTheCommittedStateAndTheRun() throws {
        let (scratch, job) = try prepared()
        _ = try run(job, "2026-11-27T01:00:00Z", scratch)
        scratch.write("drop/cdrs/c-2.csv", cdrHeader + "2026-11-27 01:05:00,y,C1,P1,1,10,200,,0,0\n")
        // A folder where the commit's temporary file must go: the commit fails, the load does not.
        let blocker = scratch.url("state/state.klaxon-tmp-\(getpid())")
        try FileManager.default.createDirectory(atPath: blocker + "/inside", withIntermediateDirectories: true)
        #expect(throws: KlaxonError.self) { try run(job, "2026-11-27T01:10:00Z", scratch) }
        let s = try samples(scratch)
        #expect(s["klaxon_last_run_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:10:00Z"))")
        #expect(s["klaxon_last_success_timestamp_seconds{\(self.job)}"] == "\(epoch("2026-11-27T01:00:00Z"))")
        // What the failed run read was not taken: the counters are the committed ones.
        #expect(s["klaxon_files_total{\(self.job),input=\"cdrs\",outcome=\"taken\"}"] == "1")
        #expect(s["klaxon_rows_total{\(self.job),input=\"cdrs\",outcome=\"folded\"}"] == "1")
        #expect(s["klaxon_alert_instances{\(self.job),alert=\"Low Balance\",status=\"triggered\"}"] == "1")
        #expect(s["klaxon_penalties_active{\(self.job)}"] == "1")

        // Once the commit can go through, the file is taken and counted exactly once.
        try FileManager.default.removeItem(atPath: blocker)
        _ = try run(job, "2026-11-27T01:10:00Z", scratch)
        #expect(try samples(scratch)["klaxon_files_total{\(self.job),input=\"cdrs\",outcome=\"taken\"}"] == "2")
    }

    @Test func aDryRunWritesNoMetricsFile() throws {
        let (scratch, job) = try prepared()
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), dryRun: true)).run()
        #expect(scratch.read("metrics/klaxon.prom") == nil)
    }

    @Test func aMetricsFileThatCannotBeWrittenIsAWarningAndExitTwo() throws {
        let (scratch, job) = try prepared()
        // A symbolic link at the path: Klaxon never writes through one.
        try FileManager.default.createSymbolicLink(atPath: scratch.url("metrics/klaxon.prom"), withDestinationPath: scratch.url("elsewhere.prom"))
        let report = try run(job, "2026-11-27T01:00:00Z", scratch)
        #expect(report.exitCode == 2)
        #expect(report.warnings.contains { $0.hasPrefix("the metrics file could not be written: ") && $0.contains("symbolic link") }, "\(report.warnings)")
        #expect(!FileManager.default.fileExists(atPath: scratch.url("elsewhere.prom")))
    }

    @Test func labelValuesAreEscapedAsTheTextFormatSays() {
        #expect(MetricsFile.escape("a\\b\"c\nd") == #"a\\b\"c\nd"#)
    }
}
