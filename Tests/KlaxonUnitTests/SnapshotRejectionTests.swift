import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A balance snapshot cut short by rejected rows must not make the companies of
/// those rows read as missing: they keep their previous snapshot row, and the
/// run says so. A company simply absent from a clean snapshot is gone from it.
@Suite struct SnapshotRejectionTests {
    func run(_ job: Job, _ now: String) throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at(now), dryRun: false, deliverTo: nil)).run()
    }

    func state(_ job: Job) throws -> KlaxonState { try StateStore(directory: job.stateDirectory).loadCurrent() }

    @Test func aCompanyWhoseRowWasRejectedKeepsItsPreviousRow() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop", settle: "0s" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Low", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 0 } ] }
        """)
        scratch.write("drop/b-1.csv", "id,credit,currency\nC1,100,USD\nC2,50,USD\nC3,70,USD\n")
        _ = try run(job, "2026-11-27T01:00:00Z")

        // C2's credit has a decimal comma; C3 is no longer listed.
        scratch.write("drop/b-2.csv", "id,credit,currency\nC1,90,USD\nC2,\"12,5\",USD\n")
        let second = try run(job, "2026-11-27T02:00:00Z")
        #expect(second.exitCode == 2)
        #expect(second.warnings.contains("balances/b-2.csv: the companies whose rows were rejected keep their previous snapshot row: C2"), "\(second.warnings)")
        var companies = try state(job).meta.companies
        #expect(companies["C2"]?.inSnapshot == true && companies["C2"]?.company.credit == 50)
        #expect(companies["C1"]?.company.credit == 90)
        #expect(companies["C3"]?.inSnapshot == false, "absent from a snapshot, a company is gone from it")
        #expect(!second.decisions.contains { $0.company == "C2" && $0.decision == .missing }, "\(second.decisions)")
        #expect(second.decisions.contains { $0.company == "C3" && $0.decision == .missing })

        // A row whose id cannot be read either: every company the new snapshot lacks keeps its row.
        scratch.write("drop/b-3.csv", "id,credit,currency\nC2,40,USD\n\"C1,80,USD\n")
        let third = try run(job, "2026-11-27T03:00:00Z")
        #expect(third.warnings.contains { $0.hasPrefix("balances/b-3.csv: 1 rejected row names no readable id") && $0.hasSuffix(": C1") }, "\(third.warnings)")
        companies = try state(job).meta.companies
        #expect(companies["C1"]?.inSnapshot == true && companies["C1"]?.company.credit == 90)
        #expect(companies["C2"]?.company.credit == 40)

        // A clean snapshot is the whole truth again.
        scratch.write("drop/b-4.csv", "id,credit,currency\nC2,30,USD\n")
        let fourth = try run(job, "2026-11-27T04:00:00Z")
        #expect(fourth.exitCode == 0 && fourth.warnings.isEmpty, "\(fourth.warnings)")
        #expect(try state(job).meta.companies["C1"]?.inSnapshot == false)
    }
}
