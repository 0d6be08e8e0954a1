import Foundation
import Testing
import KlaxonCore
@testable import KlaxonTestSupport

/// Files the run may list but not read, and rows it reads but never counts, as
/// cron sees them: named on stderr under `--quiet`, and in the exit code.
@Suite(.serialized) struct UnreadableInputTests {
    static let header = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge\n"

    /// Runs `klaxon` without the capabilities that let root read any file (the tests run as root).
    func runUnprivileged(_ arguments: [String]) throws -> KlaxonBinary.Output {
        try KlaxonBinary.runProgram("/usr/sbin/capsh", ["--drop=cap_dac_override,cap_dac_read_search", "--", "-c", "exec \"$0\" \"$@\"", KlaxonBinary.path] + arguments)
    }

    func job(in temp: TempFolder) throws -> String {
        try FileManager.default.createDirectory(atPath: temp.url("drop"), withIntermediateDirectories: true)
        try """
        { state: "st", inputs: { cdrs: { path: "drop", settle: "0s" } }, email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Calls", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "always", sample_period: "1h" } ] }
        """.write(toFile: temp.url("job.json5"), atomically: true, encoding: .utf8)
        return temp.url("job.json5")
    }

    @Test func aFileTheRunMayNotReadIsRefusedByNameAndTheRestIsRead() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/capsh") else {
            Issue.record("capsh is needed to run klaxon without CAP_DAC_OVERRIDE")
            return
        }
        let temp = TempFolder()
        let job = try job(in: temp)
        try (Self.header + "2026-11-27 01:10:00,a,C1,P1,1,10,200,,0,0\n").write(toFile: temp.url("drop/a.csv"), atomically: true, encoding: .utf8)
        try (Self.header + "2026-11-27 01:20:00,b,C1,P1,1,10,200,,0,0\n").write(toFile: temp.url("drop/b.csv"), atomically: true, encoding: .utf8)
        chmod(temp.url("drop/b.csv"), 0)

        let dry = try runUnprivileged(["run", job, "--now", "2026-11-27T02:00:00Z", "--dry-run", "--quiet"])
        #expect(dry.status == 2, "a dry run exits as the real run would\n\(dry.stderr)")
        #expect(dry.stderr.contains("refused cdrs/b.csv"), "\(dry.stderr)")

        let real = try runUnprivileged(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("out"), "--quiet",
                                        "--report", temp.url("r1.json")])
        #expect(real.status == 2, "\(real.stderr)")
        #expect(real.stderr.contains("refused cdrs/b.csv: cannot open") && real.stderr.contains("Permission denied"), "\(real.stderr)")
        let first = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: temp.url("r1.json"))))
        #expect(first.files.first { $0.name == "a.csv" }?.outcome == .taken)
        #expect(first.decisions.first { $0.alert == "Calls" }?.value == 1)

        // Its permissions fixed, the file is read by the next run: nothing was recorded of it.
        chmod(temp.url("drop/b.csv"), 0o644)
        let fixed = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("out"), "--quiet",
                                          "--report", temp.url("r2.json")])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        let second = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: temp.url("r2.json"))))
        #expect(second.files.map(\.name) == ["b.csv"] && second.files.first?.outcome == .taken)
        #expect(second.decisions.first { $0.alert == "Calls" }?.value == 2)
    }

    @Test func rowsFromTheFutureAndRowsOlderThanEveryWindowAreSaidOnStderr() throws {
        let temp = TempFolder()
        let job = try job(in: temp)
        try (Self.header + "2026-11-27 01:10:00,a,C1,P1,1,10,200,,0,0\n"
             + "2026-11-27 02:06:00,f1,C1,P1,1,10,200,,0,0\n2026-11-27 03:00:00,f2,C1,P1,1,10,200,,0,0\n"
             + "2026-11-24 01:00:00,o,C1,P1,1,10,200,,0,0\n").write(toFile: temp.url("drop/a.csv"), atomically: true, encoding: .utf8)
        let dry = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--dry-run", "--quiet"])
        #expect(dry.status == 2, "\(dry.stderr)")
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("out"), "--quiet"])
        #expect(run.status == 2, "rows from the future mean a switch clock to fix\n\(run.stderr)")
        #expect(run.stderr.contains("cdrs/a.csv: 2 rows dated more than 5 minutes after the run's clock (2026-11-27T02:00:00Z) not counted"), "\(run.stderr)")
        #expect(run.stderr.contains("cdrs/a.csv: 1 row dated before 2026-11-27T01:00:00Z not counted: older than the longest window (1h)"), "\(run.stderr)")

        // Old rows alone are expected (a first run over a long export): said, but the run is clean.
        try (Self.header + "2026-11-27 02:10:00,b,C1,P1,1,10,200,,0,0\n2026-11-20 01:00:00,o,C1,P1,1,10,200,,0,0\n")
            .write(toFile: temp.url("drop/b.csv"), atomically: true, encoding: .utf8)
        let old = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T03:00:00Z", "--deliver-to", temp.url("out"), "--quiet"])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(old.stderr.contains("cdrs/b.csv: 1 row dated before 2026-11-27T02:00:00Z not counted"), "\(old.stderr)")
    }
}
