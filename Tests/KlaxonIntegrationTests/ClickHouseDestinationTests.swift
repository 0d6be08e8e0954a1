import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// Per-destination alerts on a pull: the calls of the watched destinations come from
/// Debian's real ClickHouse server one by one, and decide what the CSV files decide.
@Suite("ClickHouse pull of watched calls", .serialized, .enabled(if: LocalClickHouseServer.isAvailable, "clickhouse-server or python3 is missing: `bash .ci/setup --tests` installs them"))
struct ClickHouseDestinationTests {
    /// 4412 is a longer prefix of an unwatched destination inside the watched 441: the
    /// pull's WHERE brings its calls, and Klaxon's longest-prefix match must leave them out.
    static let prefixes = "prefix,name,group\n441,Leeds,watched\n4412,Leeds special,\n447,UK mobile,watched\n44,UK,\n"

    static let alerts = """
      alerts: [
        { title: "Watched burst", scope: { type: "customer" }, to: [], penalty: "1h", by: "destination", destinations: ["group:watched"],
          area: "attempts", operator: ">", threshold: 12, sample_period: "1h" },
        { title: "Leeds long call", scope: { type: "carrier" }, to: [], penalty: "1h", by: "destination", destinations: ["Leeds"],
          area: "max_duration", operator: ">", threshold: 200, sample_period: "1h" },
        { title: "Mobile spend", scope: { type: "customer" }, to: [], penalty: "1h", by: "destination", destinations: ["447"],
          area: "spend", operator: ">", threshold: 0.05, sample_period: "30m" },
        { title: "Low ASR", scope: { type: "customer" }, to: [], penalty: "1h", area: "asr", operator: "<", threshold: 40, sample_period: "1h", min_calls: 5 },
      ]
    """

    /// Some calls of the first hour again, under new call ids, dialled as +44… and 0044….
    static func internationalForms(_ scratch: Scratch) throws -> String {
        let lines = try String(contentsOfFile: ClickHouseJobPair.fixture(ClickHouseJobPair.hours[0]), encoding: .utf8).split(separator: "\n").map(String.init)
        var out = [lines[0]]
        for (i, line) in lines.dropFirst().enumerated() where i % 7 == 0 {
            var f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            f[1] = "intl-\(i)@sbc1.example"
            f[4] = (i % 2 == 0 ? "+" : "00") + f[4]
            out.append(f.joined(separator: ","))
        }
        return scratch.write("intl/cdrs-2026-11-27T0000-intl.csv", out.joined(separator: "\n") + "\n")
    }

    static func decisions(_ report: [String: Any]) -> Set<String> { ClickHouseShardJobTests.decisions(report) }

    @Test func aByDestinationAlertDecidesOnThePullAsOnTheFiles() throws {
        let server = try LocalClickHouseServer()
        let pair = ClickHouseJobPair()
        pair.scratch.write("balances/balances-2026-11-27T0100.csv", try String(contentsOfFile: Repository.path("fixtures/balances/balances-2026-11-27T0000.csv"), encoding: .utf8))
        pair.scratch.write("prefixes.csv", Self.prefixes, age: 0)
        let intl = try Self.internationalForms(pair.scratch)
        try server.load(ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture) + [intl])
        let inputs = #"balances: { path: "balances", settle: "0s" }"#
        pair.scratch.write("csv.json5", """
        { name: "csv", state: "state-csv", destinations: { file: "prefixes.csv" },
          inputs: { \(inputs), cdrs: { path: "drop", settle: "0s" } },
        \(Self.alerts) }
        """, age: 0)
        pair.scratch.write("ch.json5", """
        { name: "ch", state: "state-ch", destinations: { file: "prefixes.csv" },
          inputs: { \(inputs), cdrs: { clickhouse: { url: "\(server.url)", user_env: "KLAXON_CH_USER", password_env: "KLAXON_CH_PASSWORD" }, late: "15m" } },
        \(Self.alerts) }
        """, age: 0)
        // The same job in two shards: the watched calls are split by company as the sums are.
        for i in 0..<2 {
            pair.scratch.write("s\(i).json5", """
            { name: "s\(i)", state: "state-s\(i)", destinations: { file: "prefixes.csv" },
              inputs: { \(inputs), cdrs: { clickhouse: { url: "\(server.url)", user_env: "KLAXON_CH_USER", password_env: "KLAXON_CH_PASSWORD",
                                                         shard: { count: 2, index: \(i) } }, late: "15m" } },
            \(Self.alerts) }
            """, age: 0)
        }
        let check = try KlaxonBinary.run(["check", pair.scratch.url("ch.json5")], environment: ClickHouseJobPair.environment)
        #expect(check.status == 0, "\(check.stderr)")

        var byDestination = 0
        for (n, now) in ["2026-11-27T01:00:00Z", "2026-11-27T02:00:00Z", "2026-11-27T02:10:00Z"].enumerated() {
            if n < ClickHouseJobPair.hours.count { pair.drop(ClickHouseJobPair.hours[n]) }
            if n == 0 { pair.scratch.write("drop/cdrs-2026-11-27T0000-intl.csv", try String(contentsOfFile: intl, encoding: .utf8)) }
            let csv = try pair.run("csv", at: now), ch = try pair.run("ch", at: now)
            #expect(csv.status == 0 && ch.status == 0, "\(now): \(csv.stderr) \(ch.stderr)")
            #expect(Self.decisions(ch.report) == Self.decisions(csv.report), "\(now)")
            let logs = try (pair.state("ch").meta.fraud?.log, pair.state("csv").meta.fraud?.log)
            #expect(logs.0?.calls == logs.1?.calls, "\(now): the call logs differ")
            #expect((logs.0?.count ?? 0) > 100, "\(now)")
            let shards = try (0..<2).map { try pair.run("s\($0)", at: now) }
            #expect(shards.allSatisfy { $0.status == 0 }, "\(now): \(shards.map(\.stderr))")
            #expect(Self.decisions(shards[0].report).union(Self.decisions(shards[1].report)) == Self.decisions(ch.report), "\(now): shards")
            byDestination += Self.decisions(ch.report).filter { $0.contains("\"destination\"") && !$0.contains("insufficient_data") }.count
        }
        #expect(byDestination > 5, "the per-destination alerts must decide for the comparison to mean anything")
    }

    @Test(.enabled(if: ChDB.isAvailable, "chdb is missing: pip install chdb"))
    func theCallQueryRunsOnBothEngines() throws {
        let server = try LocalClickHouseServer()
        let scratch = Scratch()
        let intl = try Self.internationalForms(scratch)
        let files = ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture) + [intl]
        try server.load(files)
        var settings = ClickHouseQueryEngineTests.settings
        settings.shard = ClickHouseShard(count: 2, index: 1)
        let sql = ClickHouseCallQuery(settings: settings, prefixes: ["441", "447"]).sql(from: epoch("2026-11-27T00:00:00Z"), to: epoch("2026-11-27T02:00:00Z"))
        func rows(_ answer: String) -> [String] { answer.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("call_time") }.sorted() }
        let old = rows(try server.query(sql)), new = rows(try ChDB.run(sql, cdrFiles: files, in: scratch))
        #expect(old.count > 100 && old == new, "18.16 and chdb answer the calls' query differently")
        #expect(old.contains { $0.contains("\t+44") } && old.contains { $0.contains("\t0044") }, "numbers dialled with + and 00 are matched")
        #expect(!old.contains { $0.split(separator: "\t")[3].hasPrefix("442") }, "only the watched prefixes")
    }

    @Test func checkRefusesWhatWouldPullEveryCall() throws {
        let pair = ClickHouseJobPair()
        pair.scratch.write("prefixes.csv", Self.prefixes, age: 0)
        pair.scratch.write("every.json5", """
        { name: "every", state: "state-every", destinations: { file: "prefixes.csv" },
          inputs: { cdrs: { clickhouse: { url: "http://127.0.0.1:8123" } } },
          alerts: [ { title: "Any burst", scope: { type: "customer" }, to: [], penalty: "1h", by: "destination",
                      area: "attempts", operator: ">", threshold: 20, sample_period: "1h" },
                    { title: "Unlisted", scope: { type: "customer" }, to: [], penalty: "1h", by: "destination", destinations: ["other"],
                      area: "attempts", operator: ">", threshold: 20, sample_period: "1h" },
                    { title: "Long calls", scope: { type: "customer" }, to: [], penalty: "1h",
                      area: "max_duration", operator: ">", threshold: 7200, sample_period: "1h" } ] }
        """, age: 0)
        let out = try KlaxonBinary.run(["check", pair.scratch.url("every.json5")])
        #expect(out.status == 1)
        for expected in ["Any burst", "without a destinations filter watches every call", "Unlisted", "the destination \"other\" is every number",
                         "Long calls", "area: the area max_duration by company needs every call of every company"] {
            #expect(out.stderr.contains(expected), "\(expected): \(out.stderr)")
        }
    }
}
