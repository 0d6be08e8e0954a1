import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `klaxon status` shows values the way messages and reports do, not as raw doubles.
@Suite struct StatusReportTests {
    @Test func triggeredValuesAreFormattedForTheirArea() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "ASR", company: "C1", to: ["noc@example.com"], area: "asr", operator: "<", threshold: 50, sample_period: "1h", min_calls: 1 } ] }
        """)
        let ok = "2026-11-27 00:10:00,a,C1,P1,1,10,200,,0,0\n"
        let failed = "2026-11-27 00:11:00,b,C1,P1,1,0,503,,0,0\n"
        scratch.write("drop/1.csv", cdrHeader + ok + failed + failed.replacingOccurrences(of: ",b,", with: ",c,"))
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let text = StatusReport.text(job: job, state: try StateStore(directory: job.stateDirectory).loadCurrent())
        #expect(text.contains("ASR / C1:"), "\(text)")
        #expect(text.contains("value 33.3%"), "\(text)")
        #expect(!text.contains("33.33"), "\(text)")
    }

    @Test func aValueOfAnAlertNoLongerInTheJobIsStillReadable() {
        #expect(StatusReport.value(8.333333333333332, alert: nil, currency: "") == "8.33")
        #expect(StatusReport.value(nil, alert: nil, currency: "") == "-")
    }
}
