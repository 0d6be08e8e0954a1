import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// The calls' query of a pull is part of the pull: both answers are taken, or nothing.
struct ClickHouseCallPullTests {
    /// Answers the sums query with one bucket and the calls' query with `calls`.
    struct TwoAnswers: HTTPTransport {
        var calls: HTTPResponse
        func send(_ request: HTTPRequest) throws(DeliveryError) -> HTTPResponse {
            let sql = String(decoding: request.body, as: UTF8.self)
            guard sql.contains("call_digits") else {
                let minute = epoch("2026-11-27T01:30:00Z")
                let body = ClickHouseQuery.pullColumns.joined(separator: "\t") + "\nC1\tcustomer\t\(minute)\t1\t1\t1\t0\t10\t0\t0\t100\t50\t0\n"
                return HTTPResponse(status: 200, body: Array(body.utf8))
            }
            return calls
        }
    }

    static let callsHeader = ClickHouseCallQuery.columns.joined(separator: "\t") + "\n"

    private func pull(_ calls: HTTPResponse, watermark: Int32? = nil) throws -> (FileReport, KlaxonState) {
        let scratch = Scratch()
        scratch.write("prefixes.csv", "prefix,name,group\n441,Leeds,\n4412,Leeds special,\n", age: 0)
        let job = try scratch.job("""
        { state: "s", destinations: { file: "prefixes.csv" }, inputs: { cdrs: { clickhouse: { url: "http://127.0.0.1:8123" } } },
          alerts: [ { title: "Leeds", scope: { type: "any" }, to: [], penalty: "1h", by: "destination", destinations: ["Leeds"],
                      area: "attempts", operator: ">", threshold: 1, sample_period: "1h" },
                    { title: "Day", scope: { type: "customer" }, to: [], penalty: "1h", area: "spend", operator: ">", threshold: 1, sample_period: "24h" } ] }
        """)
        var pull = ClickHousePull(job: job, now: epoch("2026-11-27T02:00:30Z"), settings: try #require(job.cdrs?.clickhouse))
        pull.transport = TwoAnswers(calls: calls)
        var state = KlaxonState()
        state.meta.clickhouseWatermark = watermark
        let report = pull.run(&state)
        return (report, state)
    }

    @Test func aFailedCallsQueryChangesNothing() throws {
        for (answer, reason) in [(HTTPResponse(status: 500, body: Array("Code: 47, unknown column".utf8)), "HTTP 500"),
                                 (HTTPResponse(status: 200, body: Array((Self.callsHeader + "1\tC1\n").utf8)), "malformed answer")] {
            let (report, state) = try pull(answer)
            #expect(report.outcome == .refused && report.reason?.contains(reason) == true, "\(report.reason ?? "taken")")
            #expect(state.buckets.isEmpty && state.meta.clickhouseWatermark == nil && state.meta.fraud?.log == nil)
        }
    }

    @Test func theWatchedCallsAreLoggedForEachRoleByTheLongestPrefix() throws {
        let t = epoch("2026-11-27T01:30:10Z")
        let body = Self.callsHeader + "\(t)\tC1\tP1\t+441555\t10\t200\t\\N\t100\t50\n\(t + 1)\tC1\t\t00441555\t0\t486\t900\t0\t0\n"
            + "\(t + 2)\tC1\tP1\t4412999\t5\t200\t800\t10\t5\n"
        let (report, state) = try pull(HTTPResponse(status: 200, body: Array(body.utf8)))
        #expect(report.outcome == .taken, "\(report.reason ?? "")")
        let log = try #require(state.meta.fraud?.log)
        #expect(log.calls["C1"]?.map(\.time) == [t, t + 1], "4412 is another destination's, and not watched")
        #expect(log.calls["P1"]?.map(\.time) == [t], "the carrier's copy (the alert's scope takes carriers too); an empty carrier has none")
        #expect(log.calls["C1"]?.first?.pdd == -1 && log.calls["C1"]?.last?.pdd == 900)
        #expect(log.calls["C1"]?.first.map { log.name(of: $0.destination) } == "Leeds")
    }

    /// Hourly runs, a 1h log window and `late: "15m"`: the run pulls 00:45–02:00 again, and
    /// 00:45–01:00 is before the log's window, already rolled up into the hourly totals.
    @Test func callsBeforeTheLogsWindowAreNotLoggedAgain() throws {
        let early = epoch("2026-11-27T00:50:00Z"), inside = epoch("2026-11-27T01:30:00Z")
        let body = Self.callsHeader + "\(early)\tC1\tP1\t441555\t10\t200\t100\t1\t1\n\(inside)\tC1\tP1\t441555\t10\t200\t100\t1\t1\n"
        let (report, state) = try pull(HTTPResponse(status: 200, body: Array(body.utf8)), watermark: Int32(epoch("2026-11-27T01:00:00Z") / 60))
        #expect(report.outcome == .taken, "\(report.reason ?? "")")
        #expect(state.meta.fraud?.log?.calls["C1"]?.map(\.time) == [inside])
    }
}
