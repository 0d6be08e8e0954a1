import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// The pull's answer is taken whole or not at all; and the pull's range follows the watermark.
@Suite struct ClickHouseAnswerTests {
    static let header = ClickHouseQuery.pullColumns.joined(separator: "\t") + "\n"

    private func parse(_ text: String) -> (rows: [PulledBucket]?, reason: String?) {
        switch ClickHouseAnswer.parse(Array(text.utf8)) {
        case .success(let rows): return (rows, nil)
        case .failure(let reason): return (nil, reason)
        }
    }

    @Test func aWellFormedAnswerGivesItsBuckets() throws {
        let answer = parse(Self.header + "C\\t1\tcustomer\t1795737600\t5\t3\t3\t1\t214\t7134\t5\t42800\t-14270\t1\n")
        let row = try #require(answer.rows?.first)
        #expect(row.company == "C\t1" && row.role == .customer && row.trailingFailures == 1)
        #expect(row.bucket.minute == 29_928_960 && row.bucket.attempts == 5 && row.bucket.connected == 3)
        #expect(row.bucket.customerCharge == 42_800 && row.bucket.providerCharge == -14_270 && row.bucket.pddMillisecondsSum == 7_134)
        #expect(parse(Self.header).rows?.isEmpty == true, "no calls in the range is an answer too")
    }

    @Test(arguments: [
        ("", "empty"),
        ("Code: 60, e.displayText() = DB::Exception: Table cdr.cdr doesn't exist\n", "unexpected column names"),
        (header + "C1\tcustomer\t1795737600\t5\t3\n", "5 fields, 13 expected"),
        (header + "C1\tcustomer\t1795737600\t5\t3\t3\t1\t214\t7134\t5\t0\t0\t0", "does not end with a line break"),
        (header + "C1\treseller\t1795737600\t5\t3\t3\t1\t214\t7134\t5\t0\t0\t0\n", "unknown type"),
        (header + "C1\tcustomer\t1795737601\t5\t3\t3\t1\t214\t7134\t5\t0\t0\t0\n", "not the start of a minute"),
        (header + "C1\tcustomer\t1795737600\t5\t6\t3\t1\t214\t7134\t5\t0\t0\t0\n", "connected 6 is more than attempts 5"),
        (header + "C1\tcustomer\t1795737600\t5\t3\t3\t1\t2.5\t7134\t5\t0\t0\t0\n", "talk_seconds \"2.5\" is not a whole number"),
        (header + "C1\tcustomer\t1795737600\t5\t3\t3\t1\t214\t7134\t5\t0\t0\t3\n", "trailing_failures 3 is more than the failed attempts"),
    ] as [(String, String)])
    func aMalformedAnswerIsRefusedWhole(_ text: String, _ reason: String) {
        let answer = parse(text)
        #expect(answer.rows == nil)
        #expect(answer.reason?.contains(reason) == true, "\(answer.reason ?? "taken")")
    }

    @Test func eachRunPullsFromTheWatermarkLessLateToTheWindowEnd() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "s", inputs: { cdrs: { clickhouse: { url: "http://127.0.0.1:8123" }, late: "15m" } },
          alerts: [ { title: "A", scope: { type: "customer" }, to: [], penalty: "1h", area: "asr", operator: "<", threshold: 1, sample_period: "1h" } ] }
        """)
        let settings = try #require(job.cdrs?.clickhouse)
        let pull = ClickHousePull(job: job, now: epoch("2026-11-27T02:00:30Z"), settings: settings)
        let end = Int32(epoch("2026-11-27T02:00:00Z") / 60)
        #expect([pull.range(watermark: nil)].map { [$0.from, $0.to] } == [[end - 60, end]], "a first run pulls the longest window")
        #expect([pull.range(watermark: end - 60)].map { [$0.from, $0.to] } == [[end - 60, end]], "never further back than the longest window")
        #expect([pull.range(watermark: end - 10)].map { [$0.from, $0.to] } == [[end - 25, end]])
        #expect([pull.range(watermark: end)].map { [$0.from, $0.to] } == [[end - 15, end]], "a run again in the same minute pulls the late minutes")
        #expect(pull.endpoint == "http://127.0.0.1:8123/?wait_end_of_query=1")
    }

    @Test func pulledMinutesReplaceTheirBucketsAndKeepTheOthers() {
        var b1 = MinuteBucket(minute: 10); b1.attempts = 1
        var b2 = MinuteBucket(minute: 11); b2.attempts = 2
        var b3 = MinuteBucket(minute: 12); b3.attempts = 3
        var buckets = CompanyBuckets(buckets: [b1, b2, b3])
        buckets.removeMinutes(from: 11, to: 12)
        #expect(buckets.buckets == [b1, b3])
        var again = b2; again.attempts = 7
        buckets.merge(again)
        #expect(buckets.total(from: 10, to: 13).attempts == 11)
    }
}
