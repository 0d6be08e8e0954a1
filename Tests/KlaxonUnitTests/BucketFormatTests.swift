import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Pre-aggregated per-company per-minute rows (behaviour.md "Pulling from ClickHouse", format `buckets`).
@Suite struct BucketFormatTests {
    /// Alerts over every windowed area and the failure streak, tuned to the fixtures so that some fire.
    func job(_ scratch: Scratch, format: String) throws -> Job {
        try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", format: "\(format)", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [
            { title: "ASR", scope: { type: "any" }, to: ["noc@example.com"], area: "asr", operator: "<=", threshold: 40, reset_threshold: 45, sample_period: "1h", min_calls: 20 },
            { title: "NER", scope: { type: "any" }, to: ["noc@example.com"], area: "ner", operator: "<", threshold: 60, sample_period: "2h" },
            { title: "ACD", scope: { type: "customer" }, to: ["noc@example.com"], area: "acd", operator: "<", threshold: 150, sample_period: "1h" },
            { title: "PDD", scope: { type: "carrier" }, to: ["noc@example.com"], area: "pdd", operator: ">", threshold: 1500, sample_period: "30m" },
            { title: "Spend", scope: { type: "customer" }, to: ["noc@example.com"], area: "spend", operator: ">", threshold: 1.5, sample_period: "1h" },
            { title: "Profit", scope: { type: "carrier" }, to: ["noc@example.com"], area: "profit", operator: "always", sample_period: "1h" },
            { title: "Minutes", scope: { type: "any" }, to: ["noc@example.com"], area: "minutes", operator: "always", sample_period: "15m" },
            { title: "Streak", scope: { type: "any" }, to: ["noc@example.com"], area: "consecutive_failures", operator: ">=", threshold: 3 },
          ] }
        """)
    }

    func runHourly(format: String, folder: String, prefix: String) throws -> [[InstanceDecision]] {
        let scratch = Scratch()
        let job = try job(scratch, format: format)
        var decisions: [[InstanceDecision]] = []
        for (hour, now) in [("0000", "2026-11-27T01:00:00Z"), ("0100", "2026-11-27T02:00:00Z")] {
            let balances = try String(contentsOfFile: Repository.path("fixtures/balances/balances-2026-11-27T0000.csv"), encoding: .utf8)
            scratch.write("drop/balances/b.csv", balances)
            let export = try String(contentsOfFile: Repository.path("fixtures/\(folder)/\(prefix)-2026-11-27T\(hour).csv"), encoding: .utf8)
            scratch.write("drop/cdrs/\(prefix)-\(hour).csv", export)
            let report = try Runner(job: job, options: RunOptions(now: at(now), deliverTo: scratch.url("out"))).run()
            #expect(report.rows.rejected == 0)
            decisions.append(report.decisions.sorted { ($0.alert, $0.company) < ($1.alert, $1.company) })
        }
        return decisions
    }

    @Test func bucketsGiveTheSameFiringsAsTheRawCDRsTheySum() throws {
        let raw = try runHourly(format: "connexcs", folder: "cdrs", prefix: "cdrs")
        let buckets = try runHourly(format: "buckets", folder: "buckets", prefix: "buckets")
        for run in 0..<2 {
            #expect(raw[run] == buckets[run], "run \(run + 1) differs")
        }
        let kinds = Set(raw.flatMap { $0.map(\.decision) })
        #expect(kinds.isSuperset(of: [.fired, .reset]), "the alerts should exercise the state machine: \(kinds)")
        #expect(raw.flatMap { $0 }.contains { $0.alert == "Streak" && $0.decision == .fired })
        #expect(Set(raw.flatMap { $0.map(\.alert) }).count >= 7)
    }

    func ingest(_ content: String, extra: String = "", now: String = "2026-11-27T01:00:00Z") throws -> (KlaxonState, FileReport, String) {
        let scratch = Scratch()
        let path = scratch.write("b/export.csv", content)
        let (state, reports) = try ingestCDRs(folder: scratch.url("b"), format: "buckets", extra: extra, now: now, scratch: scratch)
        return (state, try #require(reports.first), path)
    }

    let header = "company,type,minute,attempts,connected,ner_successes,redirects,talk_seconds,pdd_sum_ms,pdd_count,customer_charge,provider_charge\n"

    @Test func rowsThatCouldNotComeFromCallsAreRejectedWithLineAndReason() throws {
        let (state, report, path) = try ingest(header + """
        C1,customer,2026-11-27 00:10:00,10,4,6,1,300,9000,6,1.25,0.5
        C1,customer,2026-11-27 00:11:00,3,4,3,0,10,0,0,0,0
        C1,customer,2026-11-27 00:12:30,3,1,1,0,10,0,0,0,0
        C1,reseller,2026-11-27 00:13:00,3,1,1,0,10,0,0,0,0
        C1,customer,2026-11-27 00:14:00,3,0,1,0,10,0,0,0,0
        C1,customer,2026-11-27 00:15:00,-3,0,0,0,0,0,0,0,0
        P1,carrier,2026-11-27 00:10:00,10,4,6,1,300,9000,6,0,0.5

        """)
        #expect(report.outcome == .taken)
        let lines = report.rejections.map { $0.replacingOccurrences(of: path + ":", with: "") }
        #expect(lines == [
            "3: connected 4 is more than attempts 3",
            "4: minute \"2026-11-27 00:12:30\" is not the start of a minute; export toStartOfMinute(dt)",
            "5: unknown type \"reseller\"; expected customer or carrier",
            "6: talk_seconds 10 without a connected call",
            "7: unparsable attempts \"-3\"; expected a whole number ≥ 0",
        ])
        let c1 = state.total("C1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:00:00Z")
        #expect(c1 == { var b = MinuteBucket(minute: Int32(epoch("2026-11-27T00:00:00Z") / 60))
            (b.attempts, b.connected, b.nerSuccesses, b.redirects, b.talkSeconds, b.pddMillisecondsSum, b.pddCount) = (10, 4, 6, 1, 300, 9000, 6)
            (b.customerCharge, b.providerCharge) = (1_250_000, 500_000)
            return b }())
        #expect(state.meta.companies["P1"]?.company.type == .carrier)
    }

    @Test func aFileWithoutARequiredColumnIsRejectedWhole() throws {
        let (state, report, _) = try ingest("company,minute,attempts,connected\nC1,2026-11-27 00:10:00,10,4\n")
        #expect(report.outcome == .rejected)
        #expect(report.reason?.contains("no `ner_successes`, `redirects`, `talk_seconds`") == true, "\(report.reason ?? "")")
        #expect(state.buckets.isEmpty)
    }

    @Test func columnsCanBeRenamedAndMinutesReadInTheInputsZone() throws {
        let (state, report, _) = try ingest("""
        account,minute_start,calls,answered,ner_successes,redirects,talk_seconds,pdd_sum_ms,pdd_count,customer_charge,provider_charge
        C1,2026-11-27 01:10:00,10,4,6,0,300,0,0,0,0

        """, extra: ", timezone: \"Europe/Paris\", columns: { company: \"account\", minute: \"minute_start\", attempts: \"calls\", connected: \"answered\" }")
        #expect(report.rejectedRows == 0, "\(report.rejections)")
        #expect(state.total("C1", from: "2026-11-27T00:10:00Z", to: "2026-11-27T00:11:00Z").attempts == 10, "01:10 Paris is 00:10 UTC")
    }

    @Test func withoutTrailingFailuresAConnectedMinuteEndsTheStreak() throws {
        let rows = """
        C1,customer,2026-11-27 00:10:00,5,0,0,0,0,0,0,0,0
        C1,customer,2026-11-27 00:11:00,4,1,1,0,30,0,0,0,0
        C1,customer,2026-11-27 00:12:00,3,0,0,0,0,0,0,0,0

        """
        let (without, _, _) = try ingest(header + rows)
        #expect(without.meta.failureStreaks["C1"]?.count == 3, "00:11 connected: only 00:12's three failures follow")
        // With the column, the failures after 00:11's connect count too.
        let withColumn = rows.split(separator: "\n").enumerated().map { $0.element + [",", ",2", ","][$0.offset] }.joined(separator: "\n")
        let (exact, _, _) = try ingest(header.replacingOccurrences(of: "\n", with: ",trailing_failures\n") + withColumn + "\n")
        #expect(exact.meta.failureStreaks["C1"]?.count == 5)
    }

    @Test func aBucketColumnNameIsAcceptedAndACDRFieldRejectedForBuckets() throws {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "state", inputs: { cdrs: { path: "b", format: "buckets", columns: { company: "account", dest_number: 3 } } }, alerts: [] }
        """)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("dest_number is not a bucket column")
            return
        }
        #expect(error.problems.map(\.description).contains { $0.contains("columns.dest_number: unknown field") && !$0.contains("columns.company") })
    }
}
