import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// The SQL runs on ClickHouse old and new: Debian's 18.16 server and the current
/// engine (PyPI's chdb, in process), and what it answers is what Klaxon folds
/// from the same CDRs itself.
@Suite("ClickHouse SQL on old and new engines", .serialized,
       .enabled(if: LocalClickHouseServer.isAvailable, "clickhouse-server or python3 is missing: `bash .ci/setup --tests` installs them"))
struct ClickHouseQueryEngineTests {
    static let from = epoch("2026-11-27T00:00:00Z"), to = epoch("2026-11-27T02:00:00Z")

    static var settings: ClickHouseSettings {
        ClickHouseSettings(url: "http://127.0.0.1:8123", database: "cdr", table: "cdr", userEnv: nil, passwordEnv: nil, columns: [:],
                           caFile: nil, connectTimeout: TimeSpan(seconds: 10), timeout: TimeSpan(seconds: 60),
                           late: TimeSpan(seconds: 900), maxAnswerBytes: 1 << 30)
    }

    static var exportSQL: String { ClickHouseQuery(settings: settings, output: .bucketFile).sql(from: from, to: to) }

    private func chdb(_ sql: String, in scratch: Scratch) throws -> String {
        let file = scratch.write("query-\(UUID().uuidString).sql", sql)
        let python = try #require(TestPython.executable)
        let out = TestPython.run(python, [TestPython.scriptsDirectory.appendingPathComponent("clickhouse.py").path, "chdb", file]
                                 + ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture))
        #expect(out.status == 0, "chdb: \(out.output)")
        return out.output
    }

    private func sortedLines(_ text: String) -> [String] {
        let lines = text.split(separator: "\n").map(String.init)
        return [lines.first ?? ""] + lines.dropFirst().sorted()
    }

    @Test func theDocumentedExportQueryIsTheOneKlaxonBuilds() throws {
        let notes = try String(contentsOfFile: Repository.path("docs/inputs.md"), encoding: .utf8)
        #expect(notes.contains(Self.exportSQL), "docs/inputs.md must show the export query as built:\n\(Self.exportSQL)")
    }

    @Test(.enabled(if: TestPython.run(TestPython.executable ?? "/bin/false", ["-c", "import chdb"]).status == 0, "chdb is missing: pip install chdb"))
    func bothEnginesAnswerTheSameAndKlaxonReadsItAsTheRawCDRs() throws {
        let server = try LocalClickHouseServer()
        try server.load(ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture))
        let pair = ClickHouseJobPair()
        let old = try server.query(Self.exportSQL)
        let new = try chdb(Self.exportSQL, in: pair.scratch)
        #expect(old.split(separator: "\n").count > 100)
        #expect(sortedLines(old) == sortedLines(new), "18.16 and chdb export different buckets")

        let pull = ClickHouseQuery(settings: Self.settings).sql(from: Self.from, to: Self.to)
        let pulledOld = try server.query(pull), pulledNew = try chdb(pull, in: pair.scratch)
        #expect(pulledOld.hasPrefix(ClickHouseQuery.pullColumns.joined(separator: "\t") + "\n"))
        #expect(sortedLines(pulledOld) == sortedLines(pulledNew), "18.16 and chdb answer the pull differently")

        // The export, read as a bucket file, gives the state the raw CDRs give.
        for (name, export) in [("debian", old), ("chdb", new)] {
            pair.scratch.write("\(name)/buckets.csv", export)
            pair.scratch.write("\(name).json5", """
            { name: "\(name)", state: "state-\(name)",
              inputs: { balances: { path: "balances", settle: "0s" }, cdrs: { path: "\(name)", format: "buckets", settle: "0s" } },
            \(ClickHouseJobPair.alerts) }
            """, age: 0)
            let run = try pair.run(name, at: "2026-11-27T02:00:00Z")
            #expect(run.status == 0, "\(run.stderr)")
        }
        for hour in ClickHouseJobPair.hours { pair.drop(hour) }
        let csv = try pair.run("csv", at: "2026-11-27T02:00:00Z")
        #expect(csv.status == 0)
        for name in ["debian", "chdb"] {
            #expect(try pair.state(name).buckets == pair.state("csv").buckets, "\(name)")
            #expect(try pair.streaks(name) == pair.streaks("csv"), "\(name)")
            #expect(ClickHouseJobPair.decided(try pair.run(name, at: "2026-11-27T02:00:00Z").report).count > 0)
        }
    }
}
