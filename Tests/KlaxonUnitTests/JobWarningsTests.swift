import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// What `klaxon check` warns about: a repeat the interval swallows, and company ids
/// the latest balance snapshot does not list.
@Suite struct JobWarningsTests {
    private func job(_ scratch: Scratch, interval: String? = nil, alerts: String) throws -> Job {
        try scratch.job("""
        { state: "state", \(interval.map { "interval: \"\($0)\"," } ?? "")
          inputs: { balances: { path: "drop" }, cdrs: { path: "cdrs" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ \(alerts) ] }
        """)
    }

    @Test func aRepeatOfHalfTheDefaultIntervalOrLessIsWarnedAbout() throws {
        let scratch = Scratch()
        let j = try job(scratch, alerts: """
            { title: "Every run", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5, repeat: "30m" },
            { title: "Hourly", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5, repeat: "31m" },
            { title: "Daily", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5, repeat: "1d" },
            { title: "Never", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5 }
            """)
        let warnings = JobWarnings.all(j, state: nil)
        #expect(warnings.map(\.alert) == ["Every run"])
        #expect(warnings.first?.field == "repeat")
        #expect(warnings.first?.description.contains("interval (1h)") == true, "\(warnings)")
    }

    @Test func aShortIntervalMakesTheSameRepeatFine() throws {
        let scratch = Scratch()
        let j = try job(scratch, interval: "5m", alerts: """
            { title: "Every 30m", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5, repeat: "30m" }
            """)
        #expect(JobWarnings.all(j, state: nil).isEmpty)
    }

    @Test func companyIdsMissingFromTheLatestSnapshotAreNamed() throws {
        let scratch = Scratch()
        let j = try job(scratch, alerts: """
            { title: "One", company: "C9", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5 },
            { title: "Some", companies: ["C1", "C2", "C8"], to: ["a@example.com"], area: "balance", operator: "<", threshold: 5 },
            { title: "Listed", companies: ["C1"], to: ["a@example.com"], area: "balance", operator: "<", threshold: 5 },
            { title: "Everyone", scope: { type: "customer" }, to: ["a@example.com"], area: "balance", operator: "<", threshold: 5 }
            """)
        // Before any run there is no snapshot to compare with.
        #expect(JobWarnings.all(j).isEmpty)

        // C2 was in the first snapshot only.
        scratch.write("drop/b1.csv", "id,credit\nC1,50\nC2,50\n")
        _ = try Runner(job: j, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        scratch.write("drop/b2.csv", "id,credit\nC1,50\n")
        _ = try Runner(job: j, options: RunOptions(now: at("2026-11-27T02:00:00Z"), deliverTo: scratch.url("out"))).run()
        let warnings = JobWarnings.all(j)
        #expect(warnings.map(\.alert) == ["One", "Some"], "\(warnings)")
        #expect(warnings.map(\.field) == ["company", "companies"])
        let one = warnings.first?.description ?? ""
        #expect(one.contains("\"C9\" is in no balance snapshot this job has read"), "\(one)")
        let some = warnings.last?.description ?? ""
        #expect(some.contains("\"C8\" is in no balance snapshot"), "\(some)")
        #expect(some.contains("\"C2\" is not in the latest balance snapshot, only in an earlier one"), "\(some)")
        #expect(!some.contains("\"C1\""), "\(some)")
    }
}
