import Foundation
import Testing
@testable import KlaxonTestSupport

/// A short run of each libFuzzer harness (Tests/Fuzz/fuzz.sh), so CI notices when a
/// change makes a parser crash on the corpus or on what a few seconds of mutation
/// find. `KLAXON_FUZZ_SMOKE_SECONDS` sets the seconds per harness (default 20; 0
/// skips); without a libFuzzer runtime in the toolchain the script says so and passes.
@Suite("Fuzz smoke") struct FuzzSmokeTests {
    static let seconds = ProcessInfo.processInfo.environment["KLAXON_FUZZ_SMOKE_SECONDS"].flatMap(Int.init) ?? 20

    @Test(.enabled(if: seconds > 0, "KLAXON_FUZZ_SMOKE_SECONDS=0"), .timeLimit(.minutes(15)))
    func everyHarnessRunsCleanOverItsCorpus() throws {
        let result = TestPython.run("/bin/bash", [Repository.path("Tests/Fuzz/fuzz.sh"), "--seconds", String(Self.seconds),
                                                  "--work", Repository.path(".build/fuzz-smoke")])
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("fuzz.sh:") }
        print(lines.joined(separator: "\n"))
        #expect(result.status == 0, "\(result.output.suffix(4_000))")
        if !lines.contains(where: { $0.contains("skipped") }) {
            for target in ["csv", "job", "template"] {
                #expect(lines.contains { $0.hasPrefix("fuzz.sh: \(target) clean:") }, "\(target) did not run clean")
            }
        }
    }
}
