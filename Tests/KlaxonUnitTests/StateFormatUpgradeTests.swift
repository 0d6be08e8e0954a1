import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `fixtures/state-format4/` and `fixtures/state-format5/`: a state file
/// written by the last Klaxon that wrote that format (their `make.sh`), and
/// what that Klaxon decided and delivered on the run after it. An operator
/// upgrading keeps the state: it loads, the next run decides and sends the
/// same, and it is saved in the current format.
@Suite struct StateFormatUpgradeTests {
    static let formats = [4, 5]

    /// The fixture's job in a scratch folder, its drop folders holding both hours (taken in the ledger).
    func upgradeJob(_ scratch: Scratch, fixture: String) throws -> Job {
        let fm = FileManager.default
        for folder in ["balances", "cdrs", "state"] { try fm.createDirectory(atPath: scratch.url(folder), withIntermediateDirectories: true) }
        try fm.copyItem(atPath: fixture + "/state/state", toPath: scratch.url("state/state"))
        try fm.copyItem(atPath: Repository.path("fixtures/destinations/prefixes.csv"), toPath: scratch.url("prefixes.csv"))
        for name in ["balances/balances-2026-11-26T2300.csv", "balances/balances-2026-11-27T0000.csv",
                     "cdrs/cdrs-2026-11-27T0000.csv", "cdrs/cdrs-2026-11-27T0100.csv"] {
            try fm.copyItem(atPath: Repository.path("fixtures/" + name), toPath: scratch.url(name))
            scratch.setAge(scratch.url(name), 3_600)
        }
        let job = try String(contentsOfFile: fixture + "/job.json5", encoding: .utf8)
        return try scratch.job(job)
    }

    @Test(arguments: formats) func anOlderStateDecidesAndSendsTheNextRunAsTheReleaseThatWroteIt(format: Int) throws {
        let fixture = Repository.path("fixtures/state-format\(format)")
        let scratch = Scratch()
        let job = try upgradeJob(scratch, fixture: fixture)
        let old = try #require(FileManager.default.contents(atPath: scratch.url("state/state")))
        #expect(old[StateFile.magic.count] == UInt8(format))

        let report = try Runner(job: job, options: RunOptions(now: at("2026-11-27T02:30:00Z"), deliverTo: scratch.url("out"))).run()

        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture + "/expected/decisions.json"))) as? [String: Any]
        let archived = try JSONSerialization.jsonObject(with: Data(ReportArchive.encode(report).utf8)) as? [String: Any]
        let decisions = try #require(expected?["decisions"] as? [Any])
        #expect(!decisions.isEmpty)
        #expect(NSArray(array: (archived?["decisions"] as? [Any]) ?? []) == NSArray(array: decisions))
        #expect(report.exitCode == expected?["exitCode"] as? Int)
        // The messages byte for byte, the one still in the old outbox among them.
        let sent = try FileManager.default.contentsOfDirectory(atPath: scratch.url("out")).sorted()
        let wanted = try FileManager.default.contentsOfDirectory(atPath: fixture + "/expected").filter { $0 != "decisions.json" }.sorted()
        #expect(sent == wanted)
        for name in wanted {
            #expect(FileManager.default.contents(atPath: scratch.url("out/" + name)) == FileManager.default.contents(atPath: fixture + "/expected/" + name), "\(name)")
        }
        // Written in the current format; the old file is the backup, unchanged.
        let saved = try #require(FileManager.default.contents(atPath: scratch.url("state/state")))
        #expect(saved[StateFile.magic.count] == UInt8(KlaxonState.formatVersion))
        #expect(FileManager.default.contents(atPath: scratch.url("state/state.bak")) == old)
    }

    @Test(arguments: formats) func anOlderStateRoundTripsThroughTheCurrentFormatWithItsCallLogTotalsAndOutbox(format: Int) throws {
        let bytes = Array(try #require(FileManager.default.contents(atPath: Repository.path("fixtures/state-format\(format)/state/state"))))
        let old = try StateFile.decode(bytes)
        #expect((old.meta.fraud?.log?.count ?? 0) > 0)
        #expect(!(old.meta.fraud?.hourly.isEmpty ?? true))
        #expect(!old.meta.outbox.isEmpty && !old.meta.instances.isEmpty && !old.buckets.isEmpty)
        let current = try StateFile.encode(old)
        #expect(current[StateFile.magic.count] == UInt8(KlaxonState.formatVersion))
        let back = try StateFile.decode(current)
        #expect(back == old)
        // Loaded from the current format and saved with nothing changed: the same bytes.
        #expect(try StateFile.encode(back) == current)
    }
}
