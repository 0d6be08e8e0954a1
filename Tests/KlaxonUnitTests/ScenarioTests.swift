import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct ScenarioTests {
    static let scenarios = ((try? FileManager.default.contentsOfDirectory(atPath: Repository.path("fixtures/scenarios"))) ?? [])
        .filter { $0.hasSuffix(".json5") }.sorted()

    @Test func everyWorkedExampleShipsAsAScenario() {
        #expect(Set(Self.scenarios).isSuperset(of: ["low-asr-warning.json5", "asr-penalty.json5", "daily-balance.json5", "repeat-cron-jitter.json5"]))
    }

    @Test(arguments: scenarios)
    func theScenarioPasses(name: String) throws {
        let result = try ScenarioRunner(path: Repository.path("fixtures/scenarios/" + name)).run()
        #expect(result.passed, "\(result.lines.joined(separator: "\n"))")
    }

    @Test func aScenarioWithAWrongExpectationFailsAtThatStep() throws {
        let scratch = Scratch()
        let original = try String(contentsOfFile: Repository.path("fixtures/scenarios/low-asr-warning.json5"), encoding: .utf8)
        let job = Repository.path("fixtures/scenarios")
        scratch.write("bad.json5", original.replacingOccurrences(of: "expect: { reset: [\"Low ASR Warning/C1\"], emails: 0 }", with: "expect: {}")
            .replacingOccurrences(of: "state: \"unused\"", with: "state: \"\(job)/unused\""))
        let result = try ScenarioRunner(path: scratch.url("bad.json5")).run()
        #expect(!result.passed)
        #expect(result.lines.contains { $0.hasPrefix("FAIL step 4") })
        #expect(result.lines.contains { $0.contains("reset: expected [], got [Low ASR Warning/C1]") })
    }

    @Test func aJobNamedByPathRunsItsScriptFromItsOwnFolder() throws {
        let scratch = Scratch()
        // The script reads "threshold" from its working directory: the job's folder, as in a real run.
        chmod(scratch.write("jobs/scripts/check.sh", """
        #!/bin/sh
        limit=$(cat threshold)
        cat > /dev/null
        echo "[{\\"company\\": \\"C1\\", \\"fire\\": true, \\"value\\": $limit}]"
        """, age: 0), 0o755)
        scratch.write("jobs/threshold", "7", age: 0)
        scratch.write("jobs/job.json5", """
        { name: "scripted", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:2525", from: "noc@example.com", starttls: "off" },
          alerts: [ { title: "Scripted", company: "C1", to: ["noc@example.com"], area: "script", script: "scripts/check.sh" } ] }
        """, age: 0)
        scratch.write("scenarios/s.json5", """
        { job: "../jobs/job.json5",
          steps: [ { now: "2026-11-27T01:00:00Z", drop: [{ input: "balances", name: "b.csv", companies: [{ id: "C1", name: "One", credit: 5 }] }],
                     expect: { fired: ["Scripted/C1"], emails: 1 } } ] }
        """, age: 0)
        let result = try ScenarioRunner(path: scratch.url("scenarios/s.json5")).run()
        #expect(result.passed, "\(result.lines.joined(separator: "\n"))")
        #expect(result.reports.first?.warnings == [])
        #expect(result.reports.first?.decisions.first?.value == 7)
    }
}
