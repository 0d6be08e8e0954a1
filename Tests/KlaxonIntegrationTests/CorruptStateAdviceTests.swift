import Foundation
import Testing
@testable import KlaxonTestSupport

/// The corrupt-state message gives commands; run exactly as printed, they show the
/// backup and restore it, and the job runs again.
@Suite(.serialized) struct CorruptStateAdviceTests {
    private func shell(_ command: String) throws -> KlaxonBinary.Output {
        try KlaxonBinary.runProgram("/bin/sh", ["-c", command])
    }

    @Test func theAdvisedCommandsInspectAndRestoreTheBackup() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let state = temp.url("var/example-hourly/state")
        let sent = temp.url("sent")
        #expect(try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", sent, "--quiet"]).status == 0)
        #expect(try KlaxonBinary.run(["run", job, "--now", "2026-11-27T03:00:00Z", "--deliver-to", sent, "--quiet"]).status == 0)
        try Data("KLAXON-STATE\n garbage".utf8).write(to: URL(fileURLWithPath: state))

        let failed = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T04:00:00Z", "--deliver-to", sent])
        #expect(failed.status == 3)
        let commands = failed.stderr.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(commands.count == 2, "\(failed.stderr)")
        guard commands.count == 2 else { return }
        #expect(!failed.stderr.contains("check it with `klaxon status`"))

        // The inspection reads state.bak and changes nothing.
        #expect(commands[0].hasPrefix("klaxon status "))
        let inspect = try shell("\(KlaxonBinary.path)\(commands[0].dropFirst("klaxon".count))")
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("last run 2026-11-27T02:00:00Z"), "\(inspect.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == Data("KLAXON-STATE\n garbage".utf8))

        // The restore keeps the corrupt file aside, and the next run starts from the backup.
        let restore = try shell(commands[1])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: state + ".corrupt")) == Data("KLAXON-STATE\n garbage".utf8))
        let again = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T04:00:00Z", "--deliver-to", sent, "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
    }
}
