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
}
