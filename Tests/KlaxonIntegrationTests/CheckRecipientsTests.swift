import Foundation
import Testing
@testable import KlaxonTestSupport

/// `klaxon check` as an operator runs it on an alert that would notify no one.
@Suite struct CheckRecipientsTests {
    @Test func checkExitsOneNamingAnAlertWhoseToIsEmpty() throws {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "st", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Nobody", company: "C1", to: [], area: "balance", operator: "<", threshold: 5 },
                    { title: "Penalty only", company: "C1", to: [], area: "balance", operator: "<", threshold: 1, penalty: "1h" } ] }
        """, age: 0)
        let check = try KlaxonBinary.run(["check", scratch.url("job.json5")])
        #expect(check.status == 1)
        #expect(check.stderr.contains("alert \"Nobody\": to: is empty"), "\(check.stderr)")
        #expect(!check.stderr.contains("Penalty only"), "\(check.stderr)")
    }
}
