import Foundation
import Testing
@testable import KlaxonCore

/// The run report's decisions are written by `DecisionsJSON`, the rest by
/// `JSONEncoder`: the whole must read exactly as `JSONEncoder` wrote it.
@Suite struct ReportArchiveTests {
    /// Every control character, the characters JSON escapes, ones it does not
    /// (`/`, DEL, U+2028, a combining accent, an emoji) and plain text.
    static let awkward: [String] = [
        "", "C1", "a\"b", "back\\slash", "path/to/x", "tab\there", "line\nbreak", "cr\rlf\r\n",
        "\u{7F}del", "\u{2028}\u{2029}", "e\u{301}", "😀 Ünïcödé", "\"\\\"", "ends with \\",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        "Low ASR ␟ C9", "{\"decisions\" : []}", "\n  \"decisions\" : [",
    ]

    static let values: [Double?] = [
        nil, 0, -0.0, 1, -1, 0.1, 1.0 / 3, 100, 12.5, 1e-7, Double.leastNonzeroMagnitude, 1e16, 1e21, 123_456_789.125,
        Double.greatestFiniteMagnitude, -2.5e-300, 99.99999999999999,
    ]

    func report(_ decisions: [InstanceDecision]) -> RunReport {
        var report = RunReport(job: "job/\"x\".json5", now: "2026-11-27T01:00:00Z", dryRun: false)
        report.decisions = decisions
        report.alerts = [AlertSummary(alert: "A")]
        report.warnings = ["w \"decisions\" : [ ]", "second"]
        report.dropped = ["d"]
        report.timings.reportMilliseconds = 3
        return report
    }

    func decisions() -> [InstanceDecision] {
        let kinds: [Decision] = [.fired, .repeated, .reset, .held, .ok, .insufficientData, .missing]
        var out: [InstanceDecision] = []
        for (k, text) in Self.awkward.enumerated() {
            for (v, value) in Self.values.enumerated() {
                var d = InstanceDecision(alert: text, company: Self.awkward[(k + v) % Self.awkward.count],
                                         decision: kinds[(k + v) % kinds.count], value: value)
                if v % 3 == 1 { d.silenced = Self.awkward[(k * 7 + v) % Self.awkward.count] }
                if v % 4 == 2 { d.destination = text }
                if v % 5 == 3 { d.level = v % 2 == 0 ? .warning : .critical }
                out.append(d)
            }
        }
        return out
    }

    @Test func theDirectEncodingIsJSONEncodersByteForByte() {
        let report = report(decisions())
        #expect(report.decisions.count > 300)
        let direct = ReportArchive.encode(report)
        let reference = ReportArchive.encodeWithJSONEncoder(report)
        #expect(direct == reference)
        // The direct bytes are what was compared, not a fallback to `JSONEncoder`.
        let decisions = DecisionsJSON(report.decisions)
        #expect(decisions.encodable)
        #expect(direct.utf8.count > decisions.bytes.count && String(decoding: decisions.bytes, as: UTF8.self).count > 300 * 40)
        #expect(direct.contains(String(decoding: decisions.bytes, as: UTF8.self)))
        if direct != reference {
            let a = Array(direct.utf8), b = Array(reference.utf8)
            let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record("first difference at byte \(at): \(String(decoding: a[max(0, at - 80)..<min(a.count, at + 80)], as: UTF8.self))")
        }
    }

    @Test func oneDecisionAndNoneAreEncodedAsJSONEncoderDoes() {
        for decisions in [[], [InstanceDecision(alert: "A", company: "C", decision: .fired, value: 2)]] {
            let report = report(decisions)
            #expect(ReportArchive.encode(report) == ReportArchive.encodeWithJSONEncoder(report))
        }
    }

    @Test func theEncodingDecodesBackToTheReport() throws {
        let report = report(decisions())
        let decoded = try JSONDecoder().decode(RunReport.self, from: Data(ReportArchive.encode(report).utf8))
        #expect(decoded == report)
    }

    /// `JSONEncoder` refuses a value that is not finite, and the report came out empty;
    /// it still does, rather than a file that differs from what it was.
    @Test func aValueThatIsNotFiniteFallsBackToJSONEncoder() {
        for value in [Double.nan, .infinity, -.infinity] {
            let report = report([InstanceDecision(alert: "A", company: "C", decision: .fired, value: value)])
            #expect(!DecisionsJSON(report.decisions).encodable)
            #expect(ReportArchive.encode(report) == ReportArchive.encodeWithJSONEncoder(report))
        }
    }

    @Test func decisionsEncodedInTheRunAreTheOnesUsed() {
        let report = report(decisions())
        let early = DecisionsJSON(report.decisions)
        #expect(ReportArchive.encode(report, decisions: early) == ReportArchive.encodeWithJSONEncoder(report))
    }
}
