import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Reliability: a folder where links are planted while runs go on. The penalty file's
/// folder is the switch's import folder, writable by others; runs as root there must
/// never write through what someone planted, and must say when they could not write.
@Suite(.serialized) struct PlantedLinksTests {
    /// Plants links on a background thread until stopped.
    final class Planter: @unchecked Sendable {
        private let lock = NSLock()
        private var stopped = false
        private(set) var planted = 0
        let names: [String]
        let target: String

        init(names: [String], target: String) {
            self.names = names
            self.target = target
        }

        func start() -> Thread {
            let thread = Thread { [self] in
                while !isStopped {
                    for name in names {
                        if symlink(target, name) == 0 { lock.withLock { planted += 1 } }
                    }
                    usleep(200)
                }
            }
            thread.start()
            return thread
        }

        var isStopped: Bool { lock.withLock { stopped } }
        func stop() { lock.withLock { stopped = true } }
    }

    @Test func runsNeverWriteThroughLinksPlantedInTheirFolders() throws {
        let scratch = Scratch()
        let victim = scratch.write("etc/shadow-like", "root:precious\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: victim)
        let job = try scratch.job("""
        { name: "planted", state: "state", inputs: { balances: { path: "drop" } },
          penalties: { file: "import/penalties.csv", log: "import/penalties.log" },
          alerts: [ { title: "Low", scope: { type: "customer" }, to: [], area: "balance", operator: "<", threshold: 10, penalty: "10m" } ] }
        """)
        try FileManager.default.createDirectory(atPath: scratch.url("import"), withIntermediateDirectories: true)
        let penalties = scratch.url("import/penalties.csv")
        let log = scratch.url("import/penalties.log")
        let pid = getpid()
        let planter = Planter(names: [AtomicFile.temporaryName(for: penalties, pid: pid), penalties, log,
                                      AtomicFile.temporaryName(for: log, pid: pid)], target: victim)
        let thread = planter.start()
        var warned = 0
        for run in 0..<30 {
            // Credit alternates, so penalties are applied and lifted and the log grows.
            scratch.write("drop/b-\(run).csv", "id,name,type,credit\nC1,Acme,customer,\(run % 2 == 0 ? 5 : 50)\n")
            let now = Date(timeIntervalSince1970: TimeInterval(epoch("2026-11-27T01:00:00Z") + Int64(run) * 900))
            let report = try Runner(job: job, options: RunOptions(now: now, deliverTo: scratch.url("sent"))).run()
            if report.exitCode == 2 { warned += 1 }
            #expect(report.exitCode == 2 || report.warnings.isEmpty, "a run that could not write says so: \(report.warnings)")
        }
        planter.stop()
        while !thread.isFinished { usleep(1_000) }

        #expect(planter.planted > 0)
        #expect(scratch.read("etc/shadow-like") == "root:precious\n", "the victim was written through a planted link")
        #expect(try FileManager.default.attributesOfItem(atPath: victim)[.posixPermissions] as? Int == 0o644)
        #expect(warned > 0, "some writes met a planted link and said so")

        // Links gone, the next run writes the real files again.
        for name in planter.names { unlink(name) }
        scratch.write("drop/b-last.csv", "id,name,type,credit\nC1,Acme,customer,5\n")
        let last = try Runner(job: job, options: RunOptions(now: at("2026-11-28T01:00:00Z"), deliverTo: scratch.url("sent"))).run()
        #expect(last.warnings.isEmpty, "\(last.warnings)")
        #expect(scratch.read("import/penalties.csv")?.hasPrefix("id,type,until,alert\n") == true)
        var info = stat()
        #expect(lstat(penalties, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG)
    }
}
