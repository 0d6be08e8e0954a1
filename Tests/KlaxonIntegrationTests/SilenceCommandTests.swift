import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `klaxon silence add | list | expire` through the built binary, and runs that
/// honour a silence against a real SMTP server on loopback.
@Suite("Silences through the binary", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct SilenceCommandTests {
    let first = "2026-11-27T01:00:00Z"
    let later = "2026-11-27T02:00:00Z"

    /// A job whose only alert fires for C1 (balance 5 < 10) on its first run.
    func job(_ scratch: Scratch, emailURL: String = "smtp://127.0.0.1:9") -> String {
        scratch.write("drop/b.csv", "id,name,credit,email\nC1,Acme,5,billing@c1.example\nC2,Beta,50,\n")
        return scratch.write("job.json5", """
        { name: "maintained", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "\(emailURL)", starttls: "off", from: "noc@acme.example" },
          penalties: { file: "penalties.csv" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts"], area: "balance", operator: "<", threshold: 10,
                      penalty: "1h", send_reset: true } ] }
        """, age: 0)
    }

    func klaxon(_ arguments: [String]) throws -> KlaxonBinary.Output { try KlaxonBinary.run(arguments) }

    @Test func addListAndExpireASilence() throws {
        let scratch = Scratch()
        let job = job(scratch)
        let added = try klaxon(["silence", "add", job, "--alert", "Low Balance", "--company", "C1", "--for", "2h",
                                "--comment", "switch upgrade", "--now", first])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "silence 1 added: alert \"Low Balance\", company C1, until 2026-11-27T03:00:00Z\n")
        let second = try klaxon(["silence", "add", job, "--all", "--tag", "wholesale", "--until", "2026-11-28T00:00:00Z", "--now", first])
        #expect(second.stdout.hasPrefix("silence 2 added: every alert, companies tagged wholesale"), "\(second.stdout)\(second.stderr)")

        let listed = try klaxon(["silence", "list", job, "--now", first])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("active silences: 2\n  1: alert \"Low Balance\", company C1, until 2026-11-27T03:00:00Z, added 2026-11-27T01:00:00Z — switch upgrade\n"), "\(listed.stdout)")

        let expired = try klaxon(["silence", "expire", job, "1", "--now", later])
        #expect(expired.status == 0, "\(expired.stderr)")
        #expect(expired.stdout.contains("silence 1 (alert \"Low Balance\", company C1) expired now"))
        let after = try klaxon(["silence", "list", job, "--now", later])
        #expect(after.stdout.contains("active silences: 1\n"))
        #expect(after.stdout.contains("expired in the last 7 days: 1\n  1: alert \"Low Balance\", company C1, expired by hand at 2026-11-27T02:00:00Z"), "\(after.stdout)")
        let unknown = try klaxon(["silence", "expire", job, "9", "--now", later])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no silence 9; the silences are 1, 2"), "\(unknown.stderr)")
    }

    @Test(arguments: [
        (["--alert", "Low Balanse", "--for", "1h"], "has no alert \"Low Balanse\"; did you mean Low Balance?"),
        (["--alert", "Low Balance", "--until", "2026-11-27T00:30:00Z"], "--until 2026-11-27T00:30:00Z is not in the future"),
        (["--alert", "Low Balance", "--for", "2 hours"], "--for \"2 hours\" is not a duration; write e.g. 30m, 2h"),
        (["--alert", "Low Balance"], "say how long: --until T (ISO 8601) or --for DURATION"),
        (["--for", "1h"], "say what to silence: --alert TITLE, or --all"),
        (["--all", "--for", "1h", "--until", "2026-11-28T00:00:00Z"], "--until and --for contradict each other"),
        (["--all", "--for", "1h", "--company", "C1", "--tag", "x"], "--company and --tag contradict each other"),
    ])
    func addRefusesWhatItCannotHonourAndWritesNothing(options: [String], message: String) throws {
        let scratch = Scratch()
        let job = job(scratch)
        let result = try klaxon(["silence", "add", job] + options + ["--now", first])
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.url("state/silences.json")))
    }

    @Test func helpAndUsageShowTheSilenceCommands() throws {
        let overview = try klaxon(["help"])
        #expect(overview.status == 0)
        for line in ["klaxon silence add JOB [--alert TITLE] [--all]", "klaxon silence list JOB", "klaxon silence expire JOB ID"] {
            #expect(overview.stdout.contains(line), "\(overview.stdout)")
        }
        let bare = try klaxon(["silence"])
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("silence needs one of add, list, expire"))
        let typo = try klaxon(["silence", "expier"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("did you mean expire?"), "\(typo.stderr)")
        let help = try klaxon(["help", "silence", "expire"])
        #expect(help.stdout.hasPrefix("usage: klaxon silence expire JOB ID"))
        #expect(try klaxon(["silence", "add", "--help"]).stdout.contains("--wait DURATION"))
    }

    @Test func addWhileARunHoldsTheLockSaysLockedAfterItsWait() throws {
        let scratch = Scratch()
        let job = job(scratch)
        var held: RunLock? = try RunLock(stateDirectory: scratch.url("state"))
        let result = try klaxon(["silence", "add", job, "--all", "--for", "1h", "--wait", "1s"])
        #expect(result.status == 75)
        #expect(result.stderr.contains("waiting for it to finish"))
        #expect(result.stderr.contains("holds the lock"))
        #expect(held != nil)
        held = nil
        #expect(try klaxon(["silence", "add", job, "--all", "--for", "1h", "--wait", "0s", "--quiet"]).status == 0, "the run has finished")
    }

    @Test func aRunHonoursTheSilenceAndTheRunAfterItsExpiryNotifiesTheFiring() throws {
        let server = try LocalSMTPServer()
        let scratch = Scratch()
        let job = job(scratch, emailURL: server.plainURL)
        #expect(try klaxon(["silence", "add", job, "--alert", "Low Balance", "--company", "C1", "--for", "6h", "--now", first, "--quiet"]).status == 0)

        let silenced = try klaxon(["run", job, "--now", first, "--report", scratch.url("r1.json")])
        #expect(silenced.status == 0, "\(silenced.stderr)")
        #expect(try server.received().isEmpty, "a silenced firing must send nothing")
        #expect(silenced.stdout.contains("  silenced Low Balance / C1: fired, by silence 1 until 2026-11-27T07:00:00Z"), "\(silenced.stdout)")
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: scratch.url("r1.json"))))
        #expect(report.decisions.map(\.silenced) == ["silence 1 until 2026-11-27T07:00:00Z"])
        #expect(report.penalties.isEmpty, "a silenced firing applies no penalty")
        #expect(scratch.read("penalties.csv") == "id,type,until,alert\n")
        let status = try klaxon(["status", job])
        #expect(status.stdout.contains("Low Balance / C1: silenced"), "\(status.stdout)")
        #expect(status.stdout.contains("triggered since 2026-11-27T01:00:00Z, not notified yet"))

        #expect(try klaxon(["silence", "expire", job, "1", "--now", later, "--quiet"]).status == 0)
        let notified = try klaxon(["run", job, "--now", later])
        #expect(notified.status == 0, "\(notified.stderr)")
        let received = try server.received()
        #expect(received.count == 1)
        #expect(received.first?.rcptTos == ["billing@c1.example"])
        let text = String(decoding: received.first?.data ?? [], as: UTF8.self)
        #expect(text.contains("triggered since 2026-11-27T01:00:00Z"), "\(text)")
        #expect(!notified.stdout.contains("silenced"))
        #expect(!(try klaxon(["status", job]).stdout.contains("Low Balance / C1: silenced")))
    }
}
