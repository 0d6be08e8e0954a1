import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `lag` (behaviour.md "Feed health and live files"): every window ends at `now − lag` floored to the minute, so a run
/// with a lag of L sees exactly what a run without one sees L earlier.
@Suite struct LagTests {
    let stamp: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return f
    }()

    func call(_ time: Int64, id: Int) -> String {
        "\(stamp.string(from: Date(timeIntervalSince1970: TimeInterval(time)))),id\(id),C1,P1,1,10,200,,0,0\n"
    }

    func jobText(lag: String?) -> String {
        """
        { state: "state", \(lag.map { "lag: \"\($0)\"," } ?? "") inputs: { cdrs: { path: "drop", settle: "0s" } },
          email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Attempts", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "always", sample_period: "1h" } ] }
        """
    }

    func attempts(_ report: RunReport) -> Double? { report.decisions.first { $0.alert == "Attempts" }?.value }

    @Test func aLagMovesTheWindowBackByExactlyItsLength() throws {
        let now = epoch("2026-11-27T02:00:30Z")
        let end = epoch("2026-11-27T01:45:00Z")
        // The edges of the lagged window [00:45, 01:45), a second either side, and calls
        // between the window end and `now`, which the lagged run must keep for later.
        var times: [Int64] = [end - 3_600 - 1, end - 3_600, end - 1, end, now - 10, now + 240]
        var random = SplitMix64(seed: 20)
        for _ in 0..<300 { times.append(epoch("2026-11-26T23:40:00Z") + Int64(random.next() % 8_400)) }
        let rows = times.enumerated().map { call($0.element, id: $0.offset) }.joined()
        // The plain reference: a call counts when it falls in [end − 1h, end).
        let expected = Double(times.filter { $0 >= end - 3_600 && $0 < end }.count)

        let lagged = Scratch()
        lagged.write("drop/1.csv", cdrHeader + rows)
        let laggedJob = try lagged.job(jobText(lag: "15m"))
        #expect(laggedJob.windowEndMinute(now: now) * 60 == end)
        let report = try Runner(job: laggedJob, options: RunOptions(now: at("2026-11-27T02:00:30Z"), deliverTo: lagged.url("out"))).run()
        #expect(attempts(report) == expected)
        // The future rule stays relative to `now`: the call 4 minutes ahead is folded, not refused.
        #expect(report.rows.inFuture == 0)
        // Pruning moves with the window: only calls before the lagged window's start are too old.
        #expect(report.rows.tooOld == times.filter { $0 < end - 3_600 }.count)

        // The same calls, no lag, 15 minutes earlier: the same window, the same count.
        let plain = Scratch()
        plain.write("drop/1.csv", cdrHeader + times.filter { $0 <= end + 30 + 300 }.enumerated().map { call($0.element, id: $0.offset) }.joined())
        let plainReport = try Runner(job: try plain.job(jobText(lag: nil)), options: RunOptions(now: at("2026-11-27T01:45:30Z"), deliverTo: plain.url("out"))).run()
        #expect(attempts(plainReport) == expected)
    }

    @Test func testReportAndCoverageUseTheLaggedWindowEnd() throws {
        let scratch = Scratch()
        let job = try scratch.job(jobText(lag: "30m"))
        let end = epoch("2026-11-27T01:30:00Z")
        // One call just inside the lagged window, one at its end (outside), one well after it.
        scratch.write("drop/1.csv", cdrHeader + call(end - 1, id: 1) + call(end, id: 2) + call(end + 1_200, id: 3) + call(end - 3_000, id: 4))
        let now = at("2026-11-27T02:00:00Z")
        let report = try Runner(job: job, options: RunOptions(now: now, deliverTo: scratch.url("out"))).run()
        #expect(attempts(report) == 2)

        let state = try StateStore(job: job).loadCurrent()
        let tested = try AlertTester(job: job, now: epoch("2026-11-27T02:00:00Z")).test(alert: "Attempts", company: "C1")
        #expect(tested.value == .value(2))
        let metrics = MetricsReport(job: job, state: state, now: epoch("2026-11-27T02:00:00Z"))
        #expect(metrics.rows.first { $0.company.id == "C1" }?.windows.first?.attempts == 2)
        // History starts at 00:00 (the earliest call's hour); the lagged window [00:30, 01:30) is covered.
        #expect(metrics.coverage.first?.isComplete == true)
        // Without the lag the window would be [01:00, 02:00): three calls, not two.
        var unlagged = job
        unlagged.lag = TimeSpan(seconds: 0)
        #expect(MetricsReport(job: unlagged, state: state, now: epoch("2026-11-27T02:00:00Z")).rows.first { $0.company.id == "C1" }?.windows.first?.attempts == 3)
    }
}
