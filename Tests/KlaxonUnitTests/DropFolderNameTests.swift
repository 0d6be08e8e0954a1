import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A drop file whose name is not UTF-8 cannot be named in the ledger without
/// being repaired into another name: it is refused, by its escaped name, every
/// run until it is renamed, instead of being passed over without a word.
@Suite struct DropFolderNameTests {
    /// Creates `folder/<bytes>` with `content`, the name written byte for byte.
    func create(_ folder: String, name bytes: [UInt8], _ content: String) {
        let path = Array(folder.utf8) + [0x2F] + bytes + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY | O_TRUNC, 0o644) } }
        #expect(fd >= 0)
        _ = content.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    @Test func aFileNameThatIsNotUTF8IsRefusedByItsEscapedName() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop", settle: "0s" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Calls", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "always", sample_period: "1h" } ] }
        """)
        scratch.write("drop/good.csv", cdrHeader + "2026-11-27 01:10:00,a,C1,P1,1,10,200,,0,0\n")
        create(scratch.url("drop"), name: Array("caf".utf8) + [0xE9] + Array(".csv".utf8), cdrHeader + "2026-11-27 01:20:00,b,C1,P1,1,10,200,,0,0\n")
        // Not matching the pattern: not this input's business.
        create(scratch.url("drop"), name: Array("notes".utf8) + [0xFF] + Array(".txt".utf8), "x")

        let report = try Runner(job: job, options: RunOptions(now: at("2026-11-27T02:00:00Z"), dryRun: false, deliverTo: scratch.url("out"))).run()
        let refused = report.files.filter { $0.outcome == .refused }
        #expect(refused.map(\.name) == ["caf\\xE9.csv"])
        #expect(refused.first?.reason?.contains("not UTF-8") == true)
        #expect(report.files.first { $0.name == "good.csv" }?.outcome == .taken)
        #expect(report.exitCode == 2)

        // Still there, still said, every run.
        let again = try Runner(job: job, options: RunOptions(now: at("2026-11-27T02:10:00Z"), dryRun: false, deliverTo: scratch.url("out"))).run()
        #expect(again.files.map(\.outcome) == [.refused])
    }
}
