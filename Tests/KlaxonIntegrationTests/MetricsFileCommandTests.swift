import Foundation
import Testing
@testable import KlaxonTestSupport

/// The metrics file as node_exporter's textfile collector and Prometheus read it:
/// `promtool check metrics` accepts it without an error or a lint warning.
@Suite(.enabled(if: Promtool.isAvailable, "promtool is not installed: `bash .ci/setup --tests` installs it (Debian's prometheus package)"))
struct MetricsFilePromtoolTests {
    @Test func promtoolAcceptsTheExampleJobsMetricsFile() throws {
        let (temp, _) = try TempFolder.ranExampleJob()
        let file = temp.url("var/example-hourly/metrics.prom")
        #expect(FileManager.default.fileExists(atPath: file))
        let lint = try Promtool.checkMetrics(file)
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
    }

    @Test func promtoolAcceptsAFailedRunsFileWithLabelsThatNeedEscaping() throws {
        let scratch = Scratch()
        let port = try unusedLoopbackPort()
        try FileManager.default.createDirectory(atPath: scratch.url("textfile"), withIntermediateDirectories: true)
        scratch.write("drop/b-1.csv", "id,name,type,credit\nC1,Acme,customer,5\nC2,Beta,customer,x\n")
        // A name and a title with a backslash, double quotes and a line break: all escaped in labels.
        let job = scratch.write("job.json5", #"""
        { name: "east\\west \"1\"\nb", state: "state", metrics_file: "textfile/klaxon.prom",
          inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:\#(port)", starttls: "off", from: "noc@example.com", connect_timeout: "2s" },
          alerts: [ { title: "Low \"balance\" \\ C:", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10 } ] }
        """#, age: 0)
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--quiet"])
        #expect(run.status == 2, "a rejected row and a failed delivery: \(run.stderr)")
        let text = try #require(scratch.read("textfile/klaxon.prom"))
        #expect(text.contains(#"klaxon_rows_total{job="east\\west \"1\"\nb",input="balances",outcome="rejected"} 1"#), "\(text)")
        #expect(text.contains(#"alert="Low \"balance\" \\ C:",status="triggered"} 1"#), "\(text)")
        #expect(text.contains(#"channel="email",result="failed"} 1"#), "\(text)")
        let lint = try Promtool.checkMetrics(scratch.url("textfile/klaxon.prom"))
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
    }
}

/// The metrics file and `lag` from the command line: what cron sees, and what `klaxon check` says.
@Suite struct MetricsFileCommandTests {
    func write(_ scratch: Scratch, lag: String? = nil, metricsFile: String? = nil) -> String {
        scratch.write("job.json5", """
        { state: "state", \(lag.map { "lag: \"\($0)\"," } ?? "") \(metricsFile.map { "metrics_file: \"\($0)\"," } ?? "")
          inputs: { balances: { path: "drop", settle: "0s" } }, email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Quiet", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 1, sample_period: "1h" } ] }
        """, age: 0)
    }

    @Test func aMetricsFileThatCannotBeWrittenIsSaidUnderQuietAndExitsTwo() throws {
        let scratch = Scratch()
        scratch.write("drop/b-1.csv", "id,name,type,credit\nC1,Acme,customer,50\n")
        // A file where the folder node_exporter reads should be: the write fails, the run still commits.
        scratch.write("textfile", "not a folder")
        let job = write(scratch, metricsFile: "textfile/klaxon.prom")
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--deliver-to", scratch.url("sent"), "--quiet"])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("warning: the metrics file could not be written: "), "\(run.stderr)")
        #expect(run.stderr.contains(scratch.url("textfile/klaxon.prom")), "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: scratch.url("state/state")), "the commit does not depend on the metrics file")

        try FileManager.default.removeItem(atPath: scratch.url("textfile"))
        try FileManager.default.createDirectory(atPath: scratch.url("textfile"), withIntermediateDirectories: true)
        let next = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:10:00Z", "--deliver-to", scratch.url("sent"), "--quiet"])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.isEmpty, "\(next.stderr)")
        // node_exporter reads the file as another user.
        let mode = try FileManager.default.attributesOfItem(atPath: scratch.url("textfile/klaxon.prom"))[.posixPermissions] as? Int
        #expect(mode == 0o644)
    }

    @Test func checkValidatesLagAndTheMetricsFilesFolder() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(atPath: scratch.url("drop"), withIntermediateDirectories: true)
        let malformed = try KlaxonBinary.run(["check", write(scratch, lag: "15 minutes")])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("lag: malformed duration \"15 minutes\""), "\(malformed.stderr)")

        let long = try KlaxonBinary.run(["check", write(scratch, lag: "2h")])
        #expect(long.status == 0, "\(long.stderr)")
        #expect(long.stderr.contains("warning: \(scratch.url("job.json5")): lag: 2h is longer than the longest window (1h)"), "\(long.stderr)")
        #expect(long.stdout.contains("1 warning"), "\(long.stdout)")

        let missing = try KlaxonBinary.run(["check", write(scratch, lag: "10m", metricsFile: "nowhere/klaxon.prom")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("metrics_file: the folder \(scratch.url("nowhere")) does not exist"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("lag:"), "a lag shorter than the window is fine: \(missing.stderr)")

        // In the state folder, which every run creates, the file needs no folder yet.
        let inState = try KlaxonBinary.run(["check", write(scratch, metricsFile: "state/metrics.prom")])
        #expect(inState.status == 0, "\(inState.stderr)")
    }
}
