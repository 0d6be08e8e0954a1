import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// What the fuzzers (Tests/Fuzz) found, kept as tests: every input that once
/// crashed a harness, run through the same code, and each bug as its own case.
@Suite struct FuzzRegressionTests {
    static let regressions: [String] = {
        let folder = Repository.path("Tests/Fuzz/regressions")
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return targets.sorted().flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + target)) ?? []).sorted().map { "\(target)/\($0)" }
        }
    }()

    @Test(arguments: regressions)
    func anInputThatOnceCrashedAFuzzerIsHandled(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/Fuzz/regressions/" + name))))
        switch name.split(separator: "/").first {
        case "job":
            let scratch = Scratch()
            let path = scratch.url("job.json5")
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            if case .failure(let error) = JobLoader.load(path) {
                #expect(!error.problems.isEmpty, "a refused job names its problems")
            }
        case "csv":
            var records = 0
            try CSVReader(bytes: bytes, chunkSize: 7, maxRecordBytes: 300).read(record: { _ in records += 1 }, malformed: { _ in })
        case "template":
            _ = try? Template(source: String(decoding: bytes, as: UTF8.self), name: name).render(["name": "x"], escapeHTML: true)
        default:
            Issue.record("unknown fuzz target folder in \(name)")
        }
    }

    @Test func aJobThatIsNotUTF8IsRefusedWithTheLineAndColumnInsteadOfCrashing() {
        // Three 0xFF bytes in an unquoted key made Foundation's JSON5 scanner trap.
        let scratch = Scratch()
        _ = FileManager.default.createFile(atPath: scratch.url("job.json5"), contents: Data("{ state: \"s\",\n  a".utf8 + [0xFF, 0xFF, 0xFF] + "b: 1 }".utf8))
        let error = JobLoader.load(scratch.url("job.json5")).failure
        #expect(error?.problems.map(\.message) == ["not UTF-8 text: byte 0xFF at line 2, column 4 (byte 17); save the file as UTF-8"])
    }

    @Test func aDocumentEndingInANumberParses() throws {
        // Foundation's JSON5 scanner, used before Klaxon had its own parser, read the byte
        // after a final number and trapped when the heap held a "." there (under the
        // fuzzer's allocator). The case stays: a number at the very end must parse.
        let text = "// The nightly report: cron runs it once a day (see the RUnsafeRawBEADME's Sc-11-27Theduling); it\n0"
        #expect(try JSONValue.parseJSON5(Data(text.utf8)) == .number(0))
    }

    @Test func anAlertFileThatIsADeviceOrAPipeIsRefusedNotRead() throws {
        let scratch = Scratch()
        #expect(mkfifo(scratch.url("alerts.json5"), 0o600) == 0)
        scratch.write("job.json5", #"{ state: "s", alert_files: ["/dev/zero", "alerts.json5"] }"#)
        let problems = JobLoader.load(scratch.url("job.json5")).failure?.problems ?? []
        #expect(problems.map(\.file) == ["/dev/zero", scratch.url("alerts.json5")])
        #expect(problems.allSatisfy { $0.message.hasPrefix("not a regular file") })
    }
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { e } else { nil } }
}
