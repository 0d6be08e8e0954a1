import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct JobLoaderTests {
    @Test func theExampleJobLoadsWithItsAlertFilesAndTemplates() throws {
        let result = JobLoader.load(Repository.path("jobs/example-hourly.json5"))
        let job = try result.get()
        #expect(job.name == "example-hourly")
        #expect(job.alerts.map(\.title).contains("Daily Balance"), "alert_files were not read")
        #expect(job.templates.templates["low-balance"]?.html != nil)
        #expect(job.stateDirectory == Repository.path("var/example-hourly"), "state must resolve against the job's folder")
        #expect(job.cdrs?.path == Repository.path("fixtures/cdrs"))
    }

    @Test func json5CommentsTrailingCommasAndUnquotedKeysAreAccepted() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        // a comment
        { name: 'j', state: "st", /* block */ email: { url: "smtp://h:25", from: "noc@example.com" }, interval: "1h30m",
          alerts: [ { title: "A", company: "C1", to: ["a@example.com",], area: "balance", operator: "<", threshold: 5, }, ], }
        """)
        #expect(job.interval.seconds == 5_400)
        #expect(job.alerts.first?.scope == .company("C1"))
        #expect(job.stateDirectory == scratch.url("st"))
    }

    @Test func checkRefusesAnAlertWithAnEmptyToUnlessItOnlyPenalises() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "st", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Nobody", company: "C1", to: [], area: "balance", operator: "<", threshold: 5 },
                    { title: "Penalty only", company: "C1", to: [], area: "balance", operator: "<", threshold: 1, penalty: "1h" } ] }
        """)
        let problems = InputCheck.problems(job).map(\.description)
        #expect(problems.contains { $0.contains("alert \"Nobody\": to: is empty, so the alert would notify no one") }, "\(problems)")
        #expect(!problems.contains { $0.contains("Penalty only") })
    }

    @Test func checkListsEveryProblemAtOnceWithFileAlertAndField() {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { name: "j", state: "st",
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [
            { title: "Unknown area", company: "C1", to: ["a@example.com"], area: "asrr", operator: "<", threshold: 5 },
            { title: "Wrong reset", company: "C1", to: ["a@example.com"], area: "asr", operator: "<=", threshold: 30, reset_threshold: 25, sample_period: "1h" },
            { title: "Bad address", company: "C1", to: ["not-an-address"], area: "balance", operator: "<", threshold: 5 },
            { title: "Bad period", company: "C1", to: ["a@example.com"], area: "asr", operator: "<", threshold: 5, sample_period: "an hour" },
            { title: "Bad period", company: "C2", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5, sample_period: "1h" },
          ] }
        """)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("the job should be invalid")
            return
        }
        let lines = error.problems.map(\.description)
        #expect(lines.contains { $0.contains("alert \"Unknown area\": area: unknown area \"asrr\"") })
        #expect(lines.contains { $0.contains("alert \"Wrong reset\": reset_threshold: 25 is below threshold 30") })
        #expect(lines.contains { $0.contains("alert \"Bad address\": to[0]: malformed address") })
        #expect(lines.contains { $0.contains("alert \"Bad period\": sample_period: malformed duration \"an hour\"") })
        #expect(lines.contains { $0.contains("duplicate title") })
        #expect(lines.contains { $0.contains("sample_period: not allowed for balance") })
        #expect(lines.allSatisfy { $0.hasPrefix(scratch.url("job.json5")) })
    }

    @Test(arguments: [
        ("operator: \"always\", threshold: 5", "threshold: not allowed with operator always"),
        ("operator: \"<\"", "threshold: is required"),
        ("operator: \"=\", threshold: 5, reset_threshold: 6", "reset_threshold: not allowed with operator ="),
        ("operator: \">=\", threshold: 5, reset_threshold: 9", "reset_threshold: 9 is above threshold 5"),
        ("operator: \"~\", threshold: 5", "operator: unknown operator"),
        ("operator: \"<\", threshold: 5, template: \"nope\"", "template: unknown template \"nope\""),
        ("operator: \"<\", threshold: 5, repeat: \"daily\"", "repeat: malformed duration"),
        ("operator: \"<\", threshold: 5, thresold: 3", "thresold: unknown field"),
        ("operator: \"<\", threshold: 5, min_calls: 0", "min_calls: must be at least 1"),
    ])
    func eachValidationRuleNamesTheField(fields: String, message: String) {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "st", email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "T", company: "C1", to: ["a@example.com"], area: "balance", \(fields) } ] }
        """)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("expected a problem: \(message)")
            return
        }
        #expect(error.problems.contains { $0.description.contains(message) }, "got: \(error.problems)")
    }

    @Test func aTemplateUsingAnUnknownVariableIsRejected() {
        let scratch = Scratch()
        scratch.write("templates/x.subject", "{{title}}")
        scratch.write("templates/x.txt", "Hello {{nmae}}")
        scratch.write("job.json5", """
        { state: "st", templates: "templates", email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "T", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 1, template: "x" } ] }
        """)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("expected an unknown variable")
            return
        }
        #expect(error.problems.contains { $0.description.contains("unknown variable {{nmae}}") })
    }

    @Test func durationsParseCombinationsAndRejectGarbage() {
        #expect(TimeSpan(parsing: "30s")?.seconds == 30)
        #expect(TimeSpan(parsing: "5m")?.seconds == 300)
        #expect(TimeSpan(parsing: "1d")?.seconds == 86_400)
        #expect(TimeSpan(parsing: "1y")?.seconds == Int64(365 * 86_400))
        #expect(TimeSpan(parsing: "1h30m")?.seconds == 5_400)
        #expect(TimeSpan(parsing: "1h30m")?.description == "1h30m")
        for bad in ["", "h", "10", "1x", "-1h", "0s", "1h 3", "99999999999999999999y"] {
            #expect(TimeSpan(parsing: bad) == nil, "\(bad) should be rejected")
        }
    }
}
