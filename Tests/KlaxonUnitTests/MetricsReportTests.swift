import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `klaxon report` (behaviour.md "Operators' interfaces") and the nightly report mail.
@Suite struct MetricsReportTests {
    /// A job with two windows, run once over calls and a snapshot with a hostile company name.
    func reportAfterARun() throws -> (MetricsReport, Job, Scratch) {
        let scratch = Scratch()
        scratch.write("drop/b.csv", """
        id,name,type,credit,debit_limit,currency
        C1,"=HYPERLINK(""http://evil.example"")",customer,-12.5,10,USD
        C2,<script>alert(1)</script> & Co,customer,100,0,EUR
        P1,@Carrier,carrier,0,0,USD

        """)
        let calls = (0..<20).map { "2026-11-27 00:\(String(format: "%02d", 40 + $0)):00,x,C1,P1,44,\($0 < 5 ? 60 : 0),\($0 < 5 ? 200 : 486),1000,0.1,0.05\n" }.joined()
            + "2026-11-26 23:10:00,y,C2,P1,44,120,200,,0.3,0.1\n"
        scratch.write("cdrs/c.csv", cdrHeader + calls)
        let job = try scratch.job("""
        { name: "nightly", brand: "ACME", state: "state",
          inputs: { balances: { path: "drop", settle: "0s" }, cdrs: { path: "cdrs", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          penalties: { file: "penalties.csv" },
          report: { to: ["boss@example.com"] },
          alerts: [
            { title: "Low ASR", scope: { type: "customer" }, to: ["noc@example.com"], area: "asr", operator: "<", threshold: 30,
              sample_period: "1h", min_calls: 10, level: "error", penalty: "2h" },
            { title: "Daily minutes", scope: { type: "any" }, to: ["noc@example.com"], area: "minutes", operator: ">", threshold: 1000, sample_period: "1d" },
          ] }
        """)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let state = try StateStore(directory: job.stateDirectory).load()
        return (MetricsReport(job: job, state: state, now: epoch("2026-11-27T01:00:00Z")), job, scratch)
    }

    @Test func theReportCoversEveryCompanyOverEachWindowWithAlertsAndPenalties() throws {
        let (report, _, _) = try reportAfterARun()
        #expect(report.windows.map(\.description) == ["1h", "1d"])
        #expect(report.rows.map(\.company.id) == ["C1", "C2", "P1"], "customers first, then carriers")
        let c1 = try #require(report.rows.first)
        #expect(c1.windows.map(\.attempts) == [20, 20])
        #expect(c1.windows[0].asr == 25)
        #expect(c1.triggered == ["Low ASR"])
        #expect(c1.consecutiveFailures == 15)
        #expect(report.rows[1].windows.map(\.attempts) == [0, 1], "C2's call was 1h50m ago: in the day, not the hour")
        #expect(report.triggered.map { "\($0.alert)/\($0.company.id)=\($0.value)" } == ["Low ASR/C1=25%"])
        #expect(report.penalties.map(\.company) == ["C1"])

        let md = report.render(.md)
        #expect(md.contains("| Low ASR | error | C1 |"))
        #expect(md.contains("## Traffic over the last 1d"))
        #expect(md.contains("| C1 | =HYPERLINK(\"http://evil.example\") | 20 | 5 | 25% |"))
        #expect(md.contains("1 penalty active"))
    }

    @Test func csvCellsThatASpreadsheetWouldRunAreNeutralised() throws {
        let (report, _, _) = try reportAfterARun()
        let lines = report.render(.csv).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("company,name,type,status,currency,balance,available_credit,consecutive_failures,penalty_until,triggered_alerts,attempts_1h,"))
        #expect(lines[0].contains(",profit_1d"))
        #expect(lines[1].hasPrefix("C1,\"'=HYPERLINK(\"\"http://evil.example\"\")\",customer,active,USD,-12.5,-2.5,15,2026-11-27T03:00:00Z,Low ASR,20,5,25,"),
                "a formula is quoted text, a negative balance stays a number: \(lines[1])")
        #expect(lines[3].hasPrefix("P1,'@Carrier,carrier,"))
    }

    @Test func theHTMLPageIsSelfContainedAndEscapesEveryValue() throws {
        let (report, _, _) = try reportAfterARun()
        let html = report.render(.html)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"))
        #expect(!html.contains("<script"), "no script at all, and no injected one")
        for external in ["src=", "href=", "<link", "@import", "url("] {
            #expect(!html.contains(external), "the page fetches nothing: found \(external)")
        }
        #expect(html.contains("<tr class=\"alarm\"><td>C1</td>"), "a company with a triggered error stands out")
        #expect(html.contains("<span class=\"neg\">-12.50 USD</span>"))
    }

    @Test func aJobWithAReportSectionMailsTheReportWithTheHTMLAlternative() throws {
        let (_, _, scratch) = try reportAfterARun()
        let files = try FileManager.default.contentsOfDirectory(atPath: scratch.url("out")).filter { $0.hasSuffix(".eml") }
        let mails = files.compactMap { scratch.read("out/\($0)") }
        let mail = try #require(mails.first { $0.contains("X-Klaxon-Envelope-To: boss@example.com") })
        #expect(mail.contains("Subject: [ACME] nightly report 2026-11-27: 1 triggered, 1 penalties"))
        #expect(mail.contains("Content-Type: multipart/alternative"))
        #expect(mail.contains("Content-Type: text/html; charset=UTF-8"))
        #expect(mail.replacingOccurrences(of: "=\r\n", with: "").contains("outbox: 0 pending, 0 dead"), "this run's own alert mails are not counted as pending")
        #expect(mails.count == 2, "the Low ASR alert and the report")
    }

    @Test func theReportSectionIsValidated() throws {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "state", report: { to: ["not an address"], format: "pdf" }, alerts: [] }
        """, age: 0)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("the report section is wrong")
            return
        }
        let problems = error.problems.map(\.description)
        #expect(problems.contains { $0.hasSuffix("report.to[0]: malformed address \"not an address\"; write name@example.com") })
        #expect(problems.contains { $0.hasSuffix("report.to: mails the report, but the job has no `email` settings") })
        #expect(problems.contains { $0.hasSuffix("report.format: unknown field") })
    }
}
