import Foundation
import Testing
@testable import KlaxonTestSupport

/// `klaxon report` as an operator runs it.
@Suite(.serialized) struct ReportCommandTests {
    @Test func everyFormatRendersTheCommittedStateAndABadFormatIsRefused() throws {
        let (temp, job) = try TempFolder.ranExampleJob()
        let md = try KlaxonBinary.run(["report", job, "--now", "2026-11-27T02:00:00Z"])
        #expect(md.status == 0)
        #expect(md.stdout.hasPrefix("# Klaxon report — example-hourly"))
        #expect(md.stdout.contains("| Carrier ASR Penalty | error | P30 | Bad Route Ltd | 15.1% |"))
        let csv = try KlaxonBinary.run(["report", job, "--now", "2026-11-27T02:00:00Z", "--format", "csv"])
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 9, "a header and eight companies")
        let html = try KlaxonBinary.run(["report", job, "--format", "html", "--now", "2026-11-27T02:00:00Z", "--output", temp.url("report.html")])
        #expect(html.status == 0 && html.stdout.isEmpty)
        #expect(try String(contentsOfFile: temp.url("report.html"), encoding: .utf8).contains("Bad Route Ltd"))
        let bad = try KlaxonBinary.run(["report", job, "--format", "pdf"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("klaxon report: --format \"pdf\" is not one of md, csv or html"))
    }
}
