import Foundation
import Testing
@testable import KlaxonTestSupport

/// `klaxon check` on what is valid but probably not meant: warned about on stderr, exit 0.
@Suite(.serialized) struct CheckCommandTests {
    @Test func checkWarnsAboutARepeatOnEveryRunAndAnUnknownCompany() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        #expect(try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent"), "--quiet"]).status == 0)
        let alerts = temp.url("jobs/extra.json5")
        try """
        { state: "../var/example-hourly", inputs: { balances: { path: "../fixtures/balances", pattern: "balances-*.csv", format: "connexcs", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [
            { title: "Nagging", company: "C100", to: ["noc@example.com"], area: "balance", operator: "<", threshold: 5, repeat: "15m" },
            { title: "Typo", companies: ["C100", "C1OO"], to: ["noc@example.com"], area: "balance", operator: "<", threshold: 5 },
          ] }
        """.write(toFile: alerts, atomically: true, encoding: .utf8)
        let result = try KlaxonBinary.run(["check", alerts])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OK — 2 alerts"), "\(result.stdout)")
        #expect(result.stdout.contains("2 warnings"), "\(result.stdout)")
        #expect(result.stderr.contains("warning: \(alerts): alert \"Nagging\": repeat: 15m is no more than half the job's interval (1h)"), "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(alerts): alert \"Typo\": companies: \"C1OO\" is in no balance snapshot"), "\(result.stderr)")
    }
}
