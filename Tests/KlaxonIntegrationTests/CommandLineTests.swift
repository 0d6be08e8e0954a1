import Foundation
import Testing
import KlaxonCore
@testable import KlaxonTestSupport

@Suite(.serialized) struct CommandLineTests {
    @Test func checkPrintsAllFiveMistakesAndExits1() throws {
        let temp = TempFolder()
        let job = temp.url("job.json5")
        try """
        { state: "st", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [
            { title: "A", company: "C1", to: ["noc@example.com"], area: "asrr", operator: "<", threshold: 5 },
            { title: "B", company: "C1", to: ["noc@example.com"], area: "asr", operator: "<=", threshold: 30, reset_threshold: 20, sample_period: "1h" },
            { title: "C", company: "C1", to: ["noc(at)example.com"], area: "balance", operator: "<", threshold: 5 },
            { title: "D", company: "C1", to: ["noc@example.com"], area: "acd", operator: ">", threshold: 5, sample_period: "soon" },
            { title: "D", company: "C1", to: ["+1555"], area: "balance", operator: "always" },
          ] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        let result = try KlaxonBinary.run(["check", job])
        #expect(result.status == 1)
        for expected in ["alert \"A\": area: unknown area", "alert \"B\": reset_threshold: 20 is below threshold 30",
                         "alert \"C\": to[0]: malformed address", "alert \"D\": sample_period: malformed duration",
                         "alert \"D\": title: duplicate title", "alert \"D\": to[0]: malformed phone number"] {
            #expect(result.stderr.contains(expected), "missing: \(expected)\n\(result.stderr)")
        }
    }

    @Test func theExampleJobChecksClean() throws {
        let result = try KlaxonBinary.run(["check", "jobs/example-hourly.json5"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aRunOverTheExampleJobWritesTheExpectedMessages() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let out = temp.url("sent")
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", out, "--report", temp.url("report.json")])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        let emails = try files.filter { $0.hasSuffix(".eml") }.map { try String(contentsOfFile: "\(out)/\($0)", encoding: .utf8) }
        func email(_ fragment: String) -> String? { emails.first { $0.contains(fragment) } }
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: temp.url("report.json"))))
        // The example groups by recipient: one digest per address and number, the contacts' limited to their company.
        func digest(to recipient: String) -> Outbox.Outcome? { report.notifications.first { $0.recipients == [recipient] } }
        // Bravo Telecom's balance is 8.20: Low Balance goes to its two contacts and, with Delta's, to billing.
        for contact in ["noc@bravo.example", "finance@bravo.example"] {
            #expect(digest(to: contact)?.digest?.companies == ["C200"])
            #expect(digest(to: contact)?.subject == "[Example Telecom] 1 alert firing — Bravo Telecom")
            #expect(email("X-Klaxon-Envelope-To: \(contact)\r\n")?.contains("Content-Type: multipart/alternative") == true)
        }
        #expect(digest(to: "billing@example-telecom.example")?.digest?.companies == ["C200", "C400"])
        // Bad Route answers few calls: a penalty, first in the NOC's digest (level error), and in its SMS.
        #expect(digest(to: "noc@example-telecom.example")?.digest?.companies.contains("P30") == true)
        #expect(digest(to: "+15550100")?.subject?.contains("Carrier ASR Penalty Bad Route Ltd") == true)
        #expect(report.notifications.filter { $0.channel == .email }.count == emails.count)
        #expect(emails.count == 6 && files.filter { $0.hasSuffix(".sms.json") }.count == 4)
        let penalties = try String(contentsOfFile: temp.url("var/example-hourly-penalties.csv"), encoding: .utf8)
        #expect(penalties.contains("P30,carrier,2026-11-27T03:00:00Z,Carrier ASR Penalty"))
        #expect(report.notifications.allSatisfy { $0.result == .sent })
        #expect(report.files.filter { $0.outcome == .taken }.count == 3)

        // The same run again takes nothing new and sends nothing new.
        let again = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", out, "--quiet"])
        #expect(again.status == 0)
        #expect(again.stdout.isEmpty, "--quiet prints nothing on success")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).count == files.count)
    }

    @Test func aDryRunShowsWhatItWouldSendAndChangesNothing() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("DRY RUN"))
        // The example groups by recipient: the preview shows each digest, not each event.
        #expect(result.stdout.contains("DIGEST email → noc@bravo.example (contact of C200): 1 event\nSubject: [Example Telecom] 1 alert firing — Bravo Telecom"))
        #expect(result.stdout.contains("FIRING Carrier ASR Penalty (error): Bad Route Ltd (P30), asr 15.1%"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: temp.url("var")), "a dry run creates no state")
    }

    @Test func anOverlappingRunExits75WithoutTouchingAnything() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let lock = try RunLock(stateDirectory: temp.url("var/example-hourly"))
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent")])
        #expect(result.status == 75)
        #expect(!FileManager.default.fileExists(atPath: temp.url("var/example-hourly/state")))
        #expect(!FileManager.default.fileExists(atPath: temp.url("sent")))
        withExtendedLifetime(lock) {}
    }

    @Test func aCorruptStateStopsTheRunWithExit3AndChangesNothing() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let state = temp.url("var/example-hourly/state")
        try FileManager.default.createDirectory(atPath: temp.url("var/example-hourly"), withIntermediateDirectories: true)
        try Data("KLAXON-STATE\n garbage".utf8).write(to: URL(fileURLWithPath: state))
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent")])
        #expect(result.status == 3)
        #expect(result.stderr.contains("is corrupt"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == Data("KLAXON-STATE\n garbage".utf8))
    }

    @Test func rejectedRowsMakeTheRunExit2AndNameFileAndLine() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        try FileManager.default.copyItem(atPath: Repository.path("fixtures/dirty/cdrs-dirty.csv"), toPath: temp.url("fixtures/cdrs/cdrs-dirty.csv"))
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: temp.url("fixtures/cdrs/cdrs-dirty.csv"))
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cdrs-dirty.csv:7: unparsable duration"))
    }

    @Test func statusAndTestShowStateWithoutChangingIt() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        _ = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent")])
        let stateBefore = try Data(contentsOf: URL(fileURLWithPath: temp.url("var/example-hourly/state")))
        let status = try KlaxonBinary.run(["status", job])
        #expect(status.status == 0)
        #expect(status.stdout.contains("Low Balance / C200"))
        #expect(status.stdout.contains("P30 (carrier) until 2026-11-27T03:00:00Z"))
        let test = try KlaxonBinary.run(["test", job, "--alert", "Low Balance", "--company", "C200", "--now", "2026-11-27T02:00:00Z"])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(test.stdout.contains("value:    8.20 USD"))
        #expect(test.stdout.contains("[TEST]"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: temp.url("var/example-hourly/state"))) == stateBefore)
    }

    @Test func replayPassesTheShippedScenarios() throws {
        for name in ["low-asr-warning", "asr-penalty", "daily-balance", "repeat-cron-jitter"] {
            let result = try KlaxonBinary.run(["replay", "fixtures/scenarios/\(name).json5"])
            #expect(result.status == 0, "\(result.stdout)")
            #expect(result.stdout.hasSuffix("scenario passed\n"))
        }
    }

    @Test func helpIsAvailableForEveryCommand() throws {
        for command in ["run", "check", "test", "status", "replay"] {
            let result = try KlaxonBinary.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("klaxon \(command)"))
        }
        #expect(try KlaxonBinary.run(["frobnicate"]).status == 1)
    }
}

@Suite struct CheckInputsTests {
    @Test func checkReportsAMissingDropFolder() throws {
        let temp = TempFolder()
        let job = temp.url("job.json5")
        try "{ state: \"st\", inputs: { cdrs: { path: \"nowhere\" } } }".write(toFile: job, atomically: true, encoding: .utf8)
        let result = try KlaxonBinary.run(["check", job])
        #expect(result.status == 1)
        #expect(result.stderr.contains("inputs.cdrs.path: \(temp.url("nowhere")) does not exist"))
    }
}
