import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A drop file is read only if its name still leads to the regular file the
/// listing saw: a FIFO swapped in after the listing must not hang the run in
/// `open`, and another file under the name must not be read in its place.
@Suite struct ListedFileTests {
    let header = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge\n"

    func listed(_ scratch: Scratch, _ name: String) throws -> (InputSettings, DropFile) {
        let input = InputSettings(path: scratch.url("drop"), pattern: "*.csv", format: .connexcs, columns: [:], timezone: nil, settle: TimeSpan(seconds: 0))
        let listing = try DropFolder.list(input, wallClock: Date())
        return (input, try #require(listing.settled.first { $0.name == name }))
    }

    func reader(_ input: InputSettings) -> CDRFileReader {
        CDRFileReader(input: input, knownCompanies: nil, oldestMinute: 0, latestTime: .max)
    }

    @Test func aFIFOSwappedInAfterTheListingIsRefusedWithoutBlocking() throws {
        let scratch = Scratch()
        scratch.write("drop/a.csv", header + "2026-11-27 01:00:00,x,C1,P1,1,10,200,,0,0\n")
        let (input, file) = try listed(scratch, "a.csv")
        try FileManager.default.removeItem(atPath: scratch.url("drop/a.csv"))
        #expect(mkfifo(scratch.url("drop/a.csv"), 0o600) == 0)

        var report = FileReport(input: "cdrs", name: file.name, outcome: .taken)
        #expect(reader(input).read(file, report: &report) == nil)
        #expect(report.outcome == .refused)
        #expect(report.reason?.contains("no longer the regular file that was listed") == true, "\(report.reason ?? "")")
        #expect(throws: KlaxonError.self) { try DropFolder.digest(of: file.path, identity: file.identity) }

        var balances = FileReport(input: "balances", name: file.name, outcome: .taken)
        #expect(BalanceFileReader(input: input).read(file, report: &balances) == nil)
        #expect(balances.outcome == .refused)
    }

    @Test func anotherFileRenamedOverTheListedOneIsNotReadInItsPlace() throws {
        let scratch = Scratch()
        scratch.write("drop/a.csv", header + "2026-11-27 01:00:00,x,C1,P1,1,10,200,,0,0\n")
        let (input, file) = try listed(scratch, "a.csv")
        scratch.write("drop/other.tmp", header + "2026-11-27 01:00:00,y,C9,P1,1,10,200,,0,0\n")
        #expect(rename(scratch.url("drop/other.tmp"), scratch.url("drop/a.csv")) == 0)
        var report = FileReport(input: "cdrs", name: file.name, outcome: .taken)
        #expect(reader(input).read(file, report: &report) == nil)
        #expect(report.outcome == .refused)
    }

    @Test func theListedFileItselfIsRead() throws {
        let scratch = Scratch()
        scratch.write("drop/a.csv", header + "2026-11-27 01:00:00,x,C1,P1,1,10,200,,0,0\n")
        let (input, file) = try listed(scratch, "a.csv")
        var report = FileReport(input: "cdrs", name: file.name, outcome: .taken)
        #expect(reader(input).read(file, report: &report) != nil)
        #expect(report.outcome == .taken && report.folded == 1)
    }
}
