import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Files Klaxon writes into folders others can write to (a switch's import folder):
/// links planted there never redirect a write, the operator's mode survives, and
/// only Klaxon's own leftovers are cleaned up.
@Suite struct AtomicFileTests {
    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    /// The PID of a process that has exited, as a killed writer's would be.
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func aLinkPlantedAtTheTemporaryNameIsNotWrittenThrough() throws {
        let scratch = Scratch()
        let victim = scratch.write("victim", "precious\n")
        let path = scratch.url("import/penalties.csv")
        try FileManager.default.createDirectory(atPath: scratch.url("import"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: AtomicFile.temporaryName(for: path), withDestinationPath: victim)

        try AtomicFile.write("id,type,until,alert\n", to: path)

        #expect(scratch.read("victim") == "precious\n")
        #expect(scratch.read("import/penalties.csv") == "id,type,until,alert\n")
        #expect(!isLink(path))
        #expect(!FileManager.default.fileExists(atPath: AtomicFile.temporaryName(for: path)))
    }

    @Test func aLinkAtTheWrittenPathIsRefusedAndItsTargetUntouched() throws {
        let scratch = Scratch()
        let victim = scratch.write("victim", "precious\n")
        let path = scratch.url("penalties.csv")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: victim)

        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x\n", to: path) }
        do { try AtomicFile.write("x\n", to: path) } catch {
            #expect(error.description.contains("symbolic link"), "\(error)")
        }
        #expect(scratch.read("victim") == "precious\n")
    }

    @Test func anAppendToALinkIsRefusedAndItsTargetUntouched() throws {
        let scratch = Scratch()
        let victim = scratch.write("victim", "precious\n")
        let log = scratch.url("penalties.log")
        try FileManager.default.createSymbolicLink(atPath: log, withDestinationPath: victim)

        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.appendLine("apply,C1", to: log) }
        #expect(scratch.read("victim") == "precious\n")
    }

    @Test func aRewrittenFileKeepsTheModeTheOperatorGaveIt() throws {
        let scratch = Scratch()
        let path = scratch.url("penalties.csv")
        try AtomicFile.write("one\n", to: path)
        #expect(try mode(path) == 0o600, "a new file is private")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)

        try AtomicFile.write("two\n", to: path)

        #expect(try mode(path) == 0o644)
        #expect(scratch.read("penalties.csv") == "two\n")
    }

    @Test func staleTemporaryCleanupRemovesOnlyKlaxonsOwnForTheNamedFile() throws {
        let scratch = Scratch()
        let folder = scratch.url("import")
        let dead = try deadPID()
        let klaxons = "penalties.csv.klaxon-tmp-\(dead)"
        let others = ["export.csv.tmp-\(dead)", "rates.csv.klaxon-tmp-\(dead)", "penalties.csv.tmp-\(dead)"]
        for name in [klaxons] + others { _ = scratch.write("import/\(name)", "x") }
        let live = "penalties.csv.klaxon-tmp-\(getppid())"
        _ = scratch.write("import/\(live)", "x")

        AtomicFile.removeStaleTemporaries(in: folder, of: ["penalties.csv"])

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(!left.contains(klaxons))
        #expect(left.isSuperset(of: others), "another program's files stay: \(left)")
        #expect(left.contains(live), "a live writer's temporary stays")
    }

    /// A run killed between keeping its backup and its commit's rename leaves the
    /// backup a second name of the current file; the next write must not leave its link behind.
    @Test func aBackupThatIsAlreadyTheCurrentFileLeavesNoLinkBehind() throws {
        let scratch = Scratch()
        let path = scratch.url("state")
        let backup = scratch.url("state.bak")
        try AtomicFile.write(Array("first\n".utf8), to: path)
        #expect(link(path, backup) == 0)

        let warnings = try AtomicFile.write(Array("second\n".utf8), to: path, keepingBackupAt: backup)

        #expect(warnings.isEmpty, "\(warnings)")
        #expect(scratch.read("state") == "second\n")
        #expect(scratch.read("state.bak") == "first\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.contains(AtomicFile.temporaryMarker) }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func whenTheBackupCannotBeLinkedItIsCopied() throws {
        let scratch = Scratch()
        let path = scratch.url("state")
        let backup = scratch.url("state.bak")
        try AtomicFile.write(Array("first\n".utf8), to: path, keepingBackupAt: backup)
        // A folder where the backup's link would go makes link(2) fail.
        let linkName = AtomicFile.temporaryName(for: backup) + AtomicFile.linkSuffix
        try FileManager.default.createDirectory(atPath: linkName, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: linkName) }

        let warnings = try AtomicFile.write(Array("second\n".utf8), to: path, keepingBackupAt: backup)

        #expect(warnings.isEmpty, "\(warnings)")
        #expect(scratch.read("state") == "second\n")
        #expect(scratch.read("state.bak") == "first\n", "the backup is the version just replaced")
    }

    @Test func whenTheBackupCannotBeKeptAtAllTheWriteSaysSo() throws {
        let scratch = Scratch()
        let path = scratch.url("state")
        let backup = scratch.url("state.bak")
        try AtomicFile.write(Array("first\n".utf8), to: path, keepingBackupAt: backup)
        try AtomicFile.write(Array("second\n".utf8), to: path, keepingBackupAt: backup)
        for name in [AtomicFile.temporaryName(for: backup) + AtomicFile.linkSuffix, AtomicFile.temporaryName(for: backup)] {
            try FileManager.default.createDirectory(atPath: name, withIntermediateDirectories: false)
        }

        let warnings = try AtomicFile.write(Array("third\n".utf8), to: path, keepingBackupAt: backup)

        #expect(scratch.read("state") == "third\n")
        #expect(scratch.read("state.bak") == "first\n")
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("state.bak could not be updated") == true, "\(warnings)")
    }
}

/// The penalties file as the switch reads it.
@Suite struct PenaltiesFileModeTests {
    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func job(_ scratch: Scratch, mode: String? = nil) throws -> Job {
        scratch.write("drop/b.csv", "id,name,type,credit\nC1,Acme,customer,5\n")
        return try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop" } },
          penalties: { file: "import/penalties.csv" \(mode.map { ", mode: \"\($0)\"" } ?? "") },
          alerts: [ { title: "Low", scope: { type: "customer" }, to: [], area: "balance", operator: "<", threshold: 10, penalty: "1h" } ] }
        """)
    }

    @Test func theOperatorsChmodOfThePenaltiesFileSurvivesTheNextRun() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"))).run()
        let file = scratch.url("import/penalties.csv")
        #expect(try mode(file) == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T02:00:00Z"))).run()
        #expect(try mode(file) == 0o644)
    }

    @Test func aModeInTheSettingsIsGivenToTheFileFromTheFirstRun() throws {
        let scratch = Scratch()
        let job = try job(scratch, mode: "0640")
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"))).run()
        #expect(try mode(scratch.url("import/penalties.csv")) == 0o640)
        #expect(throws: Error.self) { try self.job(Scratch(), mode: "rw-r-----") }
    }
}

/// A run whose `state.bak` could not be brought up to date says so and is not clean.
@Suite struct BackupWarningTests {
    @Test func aRunThatCouldNotUpdateTheBackupWarnsAndExits2() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,type,credit\nC1,Acme,customer,50\n")
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop" } },
          alerts: [ { title: "Low", scope: { type: "customer" }, to: [], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        #expect(try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"))).run().exitCode == 0)
        let backup = StateStore(directory: job.stateDirectory).backupFile
        for name in [AtomicFile.temporaryName(for: backup) + AtomicFile.linkSuffix, AtomicFile.temporaryName(for: backup)] {
            try FileManager.default.createDirectory(atPath: name, withIntermediateDirectories: false)
        }

        let report = try Runner(job: job, options: RunOptions(now: at("2026-11-27T02:00:00Z"))).run()

        #expect(report.exitCode == 2)
        #expect(report.warnings.contains { $0.contains("state.bak could not be updated") }, "\(report.warnings)")
    }
}
