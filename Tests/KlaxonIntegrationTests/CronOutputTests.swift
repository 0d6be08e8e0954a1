import Foundation
import Testing
import KlaxonCore
@testable import KlaxonTestSupport

/// Under cron (`--quiet`) stderr is what the operator gets mailed: every delivery that
/// did not go through, and every file that could not be written, must be a line there,
/// with an exit code that says it.
@Suite(.serialized) struct CronOutputTests {
    /// A job whose SMS gateway and penalty webhook refuse connections (port 9 on
    /// loopback is closed) and whose penalty log is a folder, so appending to it fails.
    func failingJob(_ temp: TempFolder, penaltiesFile: String = "out/penalties.csv", log: String = "state/log-is-a-folder") throws -> String {
        try FileManager.default.createDirectory(atPath: temp.url("drop"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: temp.url("state/log-is-a-folder"), withIntermediateDirectories: true)
        try "id,name,type,credit,phone\nC1,Acme,customer,5,+15550101\n".write(toFile: temp.url("drop/b.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: temp.url("drop/b.csv"))
        let job = temp.url("job.json5")
        try """
        { name: "cron", state: "state", inputs: { balances: { path: "drop" } },
          sms: { provider: "webhook", url: "http://127.0.0.1:9/sms" },
          penalties: { file: "\(penaltiesFile)", log: "\(log)", webhook: { url: "http://127.0.0.1:9/hook" } },
          delivery: { retry_backoff: "1m", give_up_after: "5m" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts"], area: "balance", operator: "<",
                      threshold: 10, penalty: "1h" } ] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        return job
    }

    @Test func failedAndDeadDeliveriesAreLinesOnStderrUnderQuiet() throws {
        let temp = TempFolder()
        let job = try failingJob(temp)

        let first = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--quiet"])
        #expect(first.status == 2)
        #expect(first.stdout.isEmpty)
        let failed = first.stderr.split(separator: "\n").filter { $0.hasPrefix("delivery failed") }
        #expect(failed.count == 3, "the SMS, the webhook call and the penalty log line: \(first.stderr)")
        #expect(first.stderr.contains("delivery failed (attempt 1; next attempt at 2026-11-27T01:01:00Z) sms to +15550101:"), "\(first.stderr)")
        #expect(first.stderr.contains("webhook to the penalty webhook: apply C1 (Low Balance)"), "\(first.stderr)")
        #expect(first.stderr.contains("penalty_log to the penalty log \(temp.url("state/log-is-a-folder"))"), "\(first.stderr)")

        // Not due yet: still pending, still said.
        let waiting = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:30Z", "--quiet"])
        #expect(waiting.status == 2)
        #expect(waiting.stderr.split(separator: "\n").filter { $0.hasPrefix("delivery pending (1 failed attempt; next attempt at 2026-11-27T01:01:00Z)") }.count == 3,
                "\(waiting.stderr)")

        // Past give_up_after: dead, and said so.
        let dead = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:06:00Z", "--quiet"])
        #expect(dead.status == 2)
        #expect(dead.stdout.isEmpty)
        #expect(dead.stderr.split(separator: "\n").filter { $0.hasPrefix("delivery dead (gave up after 2 attempts)") }.count == 3, "\(dead.stderr)")
    }

    @Test func anUnwritablePenaltiesFileMakesTheRunExit2AndSaysSo() throws {
        let temp = TempFolder()
        // The penalties file's folder is a plain file: it can never be created.
        try "not a folder".write(toFile: temp.url("blocked"), atomically: true, encoding: .utf8)
        // Everything else succeeds: the messages go to files and the log is writable.
        let job = try failingJob(temp, penaltiesFile: "blocked/penalties.csv", log: "state/penalties.log")
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--deliver-to", temp.url("sent"), "--quiet"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("warning: the penalties file could not be written"), "\(result.stderr)")
        #expect(!result.stderr.contains("delivery "), "nothing else went wrong: \(result.stderr)")
    }

    @Test func anUnwritableReportFileIsAWarningAfterTheCommitNotAStateFailure() throws {
        let temp = TempFolder()
        let job = try failingJob(temp, log: "state/penalties.log")
        try FileManager.default.createDirectory(atPath: temp.url("report-is-a-folder"), withIntermediateDirectories: true)
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--deliver-to", temp.url("sent"),
                                           "--report", temp.url("report-is-a-folder")])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.contains("cron at 2026-11-27T01:00:00Z"), "the summary is still printed: \(result.stdout)")
        #expect(result.stderr.contains("warning: the report could not be written to --report"), "\(result.stderr)")
        #expect(!result.stderr.contains("the state could not"))
        #expect(!result.stderr.contains("delivery "), "nothing else went wrong: \(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: temp.url("state/state")))
    }

    @Test func theSummaryNamesThePenaltyWebhookAndDropsTheErrorOfARetryThatWorked() throws {
        let temp = TempFolder()
        let job = try failingJob(temp)
        _ = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--quiet"])
        // The same job, its deliveries now written as files: the retries succeed.
        let retried = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:02:00Z", "--deliver-to", temp.url("sent")])
        #expect(retried.stdout.contains("sent webhook to the penalty webhook: apply C1 (Low Balance)\n"), "\(retried.stdout)")
        #expect(!retried.stdout.contains("to :"))
        let sms = try #require(retried.stdout.split(separator: "\n").first { $0.contains("sent sms to +15550101") })
        #expect(!sms.contains("—"), "a retry that worked shows no old error: \(sms)")
    }
}
