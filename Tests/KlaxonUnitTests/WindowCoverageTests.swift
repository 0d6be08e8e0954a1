import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A window that reaches before the history the state holds is insufficient
/// data, not a sum over part of its calls; `klaxon report` says how much is covered.
@Suite struct WindowCoverageTests {
    func run(_ job: Job, now: String) throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at(now), dryRun: false, deliverTo: nil)).run()
    }

    /// `count` failed calls of C1, one a minute from `start` (epoch seconds).
    func calls(from start: Int64, count: Int, every step: Int64 = 60) -> String {
        let f = ISO8601DateFormatter()
        return cdrHeader + (0..<count).map { i in
            let stamp = f.string(from: Date(timeIntervalSince1970: TimeInterval(start + Int64(i) * step)))
            return "\(stamp),id\(i),C1,P1,1,0,503,,0,0\n"
        }.joined()
    }

    func jobText(_ alerts: String) -> String {
        """
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Hourly", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 1, sample_period: "1h" }, \(alerts) ] }
        """
    }

    func decision(_ report: RunReport, _ alert: String) -> Decision? {
        report.decisions.first { $0.alert == alert }?.decision ?? (report.alerts.first { $0.alert == alert }.map { _ in .ok })
    }

    @Test func aNewLongerAlertOverHistoryPrunedToTheOldWindowIsInsufficient() throws {
        let scratch = Scratch()
        let hourly = try scratch.job(jobText(""))
        scratch.write("drop/1.csv", calls(from: epoch("2026-11-27T00:00:00Z"), count: 30))
        _ = try run(hourly, now: "2026-11-27T01:00:00Z")
        scratch.write("drop/2.csv", calls(from: epoch("2026-11-27T01:00:00Z"), count: 30))
        _ = try run(hourly, now: "2026-11-27T02:00:00Z")

        // The buckets before 01:00 were pruned: a day's window would see 60 of the calls.
        let daily = try scratch.job(jobText("""
        { title: "Few calls", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 100, sample_period: "1d" }
        """))
        scratch.write("drop/3.csv", calls(from: epoch("2026-11-27T02:00:00Z"), count: 30))
        let report = try run(daily, now: "2026-11-27T03:00:00Z")
        #expect(decision(report, "Few calls") == .insufficientData)
        #expect(report.alerts.first { $0.alert == "Few calls" }?.fired == 0)
        #expect(decision(report, "Hourly") != .insufficientData, "the 1h window is covered")

        let state = try StateStore(directory: daily.stateDirectory).loadCurrent()
        let coverage = state.coverage(of: TimeSpan(seconds: 86_400), windowEnd: floorDiv(epoch("2026-11-27T03:00:00Z"), 60))
        #expect(coverage.coveredSeconds == 7_200 && !coverage.isComplete)
        let markdown = MetricsReport(job: daily, state: state, now: epoch("2026-11-27T03:00:00Z")).render(.md)
        #expect(markdown.contains("Partial window: the state's history covers 2h of 1d (history from 2026-11-27T01:00:00Z)"))
        #expect(!markdown.contains("Partial window: the state's history covers 1h"), "the 1h window is complete")
        let html = MetricsReport(job: daily, state: state, now: epoch("2026-11-27T03:00:00Z")).render(.html)
        #expect(html.contains("covers 2h of 1d"))

        // A day later the window is covered and evaluated.
        scratch.write("drop/4.csv", calls(from: epoch("2026-11-27T03:00:00Z"), count: 1_320))
        let covered = try run(daily, now: "2026-11-28T01:00:00Z")
        #expect(decision(covered, "Few calls") != .insufficientData)
    }

    @Test func aFreshJobsFirstRunOverADayOfExportsEvaluatesADailyWindow() throws {
        let scratch = Scratch()
        let job = try scratch.job(jobText("""
        { title: "Few calls", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 100, sample_period: "1d" },
        { title: "Two days", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 100, sample_period: "2d" }
        """))
        // 24 hourly exports; the first call of the day falls at 00:07, a quiet start.
        for hour in 0..<24 {
            let start = epoch("2026-11-26T00:07:00Z") + Int64(hour) * 3_600
            scratch.write("drop/\(String(format: "%02d", hour)).csv", calls(from: start, count: 2, every: 1_200))
        }
        let report = try run(job, now: "2026-11-27T00:00:00Z")
        #expect(decision(report, "Few calls") == .fired)
        #expect(report.decisions.first { $0.alert == "Few calls" }?.value == 48)
        #expect(decision(report, "Two days") == .insufficientData)
    }

    @Test func aFreshJobsFirstHourDoesNotFireADailyAlert() throws {
        let scratch = Scratch()
        let job = try scratch.job(jobText("""
        { title: "Few calls", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 100, sample_period: "1d" }
        """))
        scratch.write("drop/1.csv", calls(from: epoch("2026-11-27T00:00:00Z"), count: 58))
        let report = try run(job, now: "2026-11-27T01:00:00Z")
        #expect(decision(report, "Few calls") == .insufficientData)
    }

    @Test func aStateWrittenBeforeCoverageWasKeptCoversFromItsEarliestBucket() throws {
        var state = KlaxonState()
        var buckets = CompanyBuckets()
        buckets.merge(MinuteBucket(minute: Int32(epoch("2026-11-27T01:30:00Z") / 60)))
        state.buckets["C1"] = buckets
        // Before its next run commits, `klaxon test` and `klaxon report` see what that run will.
        let now = epoch("2026-11-27T02:00:00Z")
        #expect(state.coverage(of: TimeSpan(seconds: 3_600), windowEnd: floorDiv(now, 60)).isComplete)
        #expect(state.coverage(of: TimeSpan(seconds: 7_200), windowEnd: floorDiv(now, 60)).coveredSeconds == 3_600)
        state.recordCoverage(keepFrom: Int32(epoch("2026-11-27T02:00:00Z") / 60 - 60), droppedTooOld: false)
        #expect(state.meta.coveredSince == Int32(epoch("2026-11-27T01:00:00Z") / 60))
        // A later run prunes to its own horizon, and the history start follows.
        state.recordCoverage(keepFrom: Int32(epoch("2026-11-27T05:00:00Z") / 60 - 60), droppedTooOld: false)
        #expect(state.meta.coveredSince == Int32(epoch("2026-11-27T04:00:00Z") / 60))
    }
}
