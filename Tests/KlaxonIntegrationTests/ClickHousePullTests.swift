import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// The pull against Debian's real clickhouse-server on loopback (behaviour.md "Pulling from ClickHouse"), compared
/// run by run with the same CDRs read as CSV files by the real binary.
@Suite("ClickHouse pull", .serialized, .enabled(if: LocalClickHouseServer.isAvailable, "clickhouse-server or python3 is missing: `bash .ci/setup --tests` installs them"))
struct ClickHousePullTests {
    private func credentials(_ server: LocalClickHouseServer) -> String {
        #"url: "\#(server.url)", user_env: "KLAXON_CH_USER", password_env: "KLAXON_CH_PASSWORD""#
    }

    @Test func hourlyRunsDecideAsTheCSVFilesDo() throws {
        let server = try LocalClickHouseServer()
        try server.load(ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture))
        let pair = ClickHouseJobPair()
        pair.writeClickHouseJob(credentials(server))
        var decisions = 0
        for (n, now) in ["2026-11-27T01:00:00Z", "2026-11-27T02:00:00Z", "2026-11-27T03:00:00Z"].enumerated() {
            if n < ClickHouseJobPair.hours.count { pair.drop(ClickHouseJobPair.hours[n]) }
            let csv = try pair.run("csv", at: now)
            let ch = try pair.run("ch", at: now)
            #expect(csv.status == 0, "\(csv.stderr)")
            #expect(ch.status == 0, "\(ch.stderr)")
            #expect(ClickHouseJobPair.decided(ch.report) == ClickHouseJobPair.decided(csv.report), "at \(now)")
            decisions += (csv.report["decisions"] as? [Any])?.count ?? 0
            #expect(try pair.state("ch").buckets == pair.state("csv").buckets, "at \(now)")
            #expect(try pair.streaks("ch") == pair.streaks("csv"), "at \(now)")
            #expect(try pair.state("ch").meta.clickhouseWatermark == Int32(epoch(now) / 60))
        }
        #expect(decisions > 10, "the alerts must decide something for the comparison to mean anything")
    }

    @Test func lateRowsReplaceTheirMinutesInsteadOfAddingToThem() throws {
        let server = try LocalClickHouseServer()
        let pair = ClickHouseJobPair()
        // The second hour's last ten minutes reach ClickHouse only after the 02:00 run.
        let lines = try String(contentsOfFile: ClickHouseJobPair.fixture(ClickHouseJobPair.hours[1]), encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0]
        let onTime = lines.dropFirst().filter { $0 < "2026-11-27 01:50" }, late = lines.dropFirst().filter { $0 >= "2026-11-27 01:50" }
        #expect(!late.isEmpty && !onTime.isEmpty)
        let onTimeFile = pair.scratch.write("on-time.csv", ([header] + onTime).joined(separator: "\n") + "\n")
        let lateFile = pair.scratch.write("late.csv", ([header] + late).joined(separator: "\n") + "\n")
        try server.load([ClickHouseJobPair.fixture(ClickHouseJobPair.hours[0]), onTimeFile])
        pair.writeClickHouseJob(credentials(server))
        pair.drop(ClickHouseJobPair.hours[0])
        pair.drop(ClickHouseJobPair.hours[1])

        #expect(try pair.run("ch", at: "2026-11-27T02:00:00Z").status == 0)
        #expect(try pair.run("csv", at: "2026-11-27T02:00:00Z").status == 0)
        #expect(try pair.state("ch").buckets != pair.state("csv").buckets, "the late rows are not in ClickHouse yet")
        try server.load([lateFile])
        // 02:10 pulls again from 01:45 (the watermark 02:00 minus late 15m): 01:45–01:50 a second time.
        let ch = try pair.run("ch", at: "2026-11-27T02:10:00Z")
        _ = try pair.run("csv", at: "2026-11-27T02:10:00Z")
        #expect(ch.status == 0, "\(ch.stderr)")
        #expect(try pair.state("ch").buckets == pair.state("csv").buckets, "minutes pulled twice must hold each call once")
    }

    @Test func aServerDownChangesNothingAndTheNextRunCatchesUp() throws {
        let server = try LocalClickHouseServer()
        try server.load(ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture))
        let pair = ClickHouseJobPair()
        pair.writeClickHouseJob(credentials(server) + #", connect_timeout: "2s", timeout: "10s""#)
        pair.drop(ClickHouseJobPair.hours[0])
        #expect(try pair.run("ch", at: "2026-11-27T01:00:00Z").status == 0)
        _ = try pair.run("csv", at: "2026-11-27T01:00:00Z")
        let before = try pair.state("ch")

        server.kill()
        let down = try pair.run("ch", at: "2026-11-27T01:30:00Z")
        #expect(down.status == 2)
        #expect(down.stderr.contains("127.0.0.1:\(server.httpPort)") && down.stderr.contains("could not connect"), "\(down.stderr)")
        let after = try pair.state("ch")
        #expect(after.meta.clickhouseWatermark == before.meta.clickhouseWatermark)
        // Nothing was added: what is left is what the run before held, less the minutes pruned since.
        for (company, buckets) in after.buckets {
            #expect(buckets.buckets == (before.buckets[company]?.buckets ?? []).filter { $0.minute >= Int32(epoch("2026-11-27T00:30:00Z") / 60) })
        }
        // The missing half hour is missing, not quiet: no windowed alert fires or resets on it.
        let decided = (down.report["decisions"] as? [[String: Any]]) ?? []
        #expect(!decided.isEmpty && decided.allSatisfy { $0["decision"] as? String == "insufficient_data" }, "\(decided)")

        try server.start()
        pair.drop(ClickHouseJobPair.hours[1])
        let csv = try pair.run("csv", at: "2026-11-27T02:00:00Z")
        let ch = try pair.run("ch", at: "2026-11-27T02:00:00Z")
        #expect(ch.status == 0, "\(ch.stderr)")
        #expect(try pair.state("ch").buckets == pair.state("csv").buckets, "the next run catches up the hour")
        #expect(try pair.streaks("ch") == pair.streaks("csv"))
        #expect((ch.report["rows"] as? [String: Any])?["folded"] as? Int ?? 0 > 0, "\(csv.report)")
    }

    @Test func wrongCredentialsAreNamedAndTheirPasswordIsNot() throws {
        let server = try LocalClickHouseServer()
        try server.load([ClickHouseJobPair.fixture(ClickHouseJobPair.hours[0])])
        let pair = ClickHouseJobPair()
        pair.writeClickHouseJob(credentials(server))
        let wrong = "not-the-password-91"
        let out = try pair.run("ch", at: "2026-11-27T01:00:00Z",
                               environment: ["KLAXON_CH_USER": LocalClickHouseServer.user, "KLAXON_CH_PASSWORD": wrong])
        #expect(out.status == 2)
        #expect(out.stderr.contains("127.0.0.1:\(server.httpPort)") && out.stderr.contains("wrong user or password"), "\(out.stderr)")
        #expect(!out.stderr.contains(wrong))
        let state = try pair.state("ch")
        #expect(state.buckets.isEmpty && state.meta.clickhouseWatermark == nil)
    }

    @Test func aMalformedOrLateAnswerChangesNothing() throws {
        let http = try LocalHTTPServer()
        let pair = ClickHouseJobPair()
        for (path, reason) in [("/big", "malformed answer"), ("/fail", "HTTP 500"), ("/slow?seconds=5", "no complete answer in time")] {
            pair.writeClickHouseJob(#"url: "\#(http.url(path))", timeout: "1s""#, name: "bad")
            let out = try pair.run("bad", at: "2026-11-27T01:00:00Z")
            #expect(out.status == 2, "\(path)")
            #expect(out.stderr.contains("127.0.0.1:\(http.port)") && out.stderr.contains(reason), "\(path): \(out.stderr)")
            let state = try pair.state("bad")
            #expect(state.buckets.isEmpty && state.meta.clickhouseWatermark == nil)
        }
        let asked = try #require(try http.received().first)
        #expect(asked.method == "POST")
        #expect(String(decoding: asked.body, as: UTF8.self).contains("GROUP BY company, m"))
        #expect(asked.path.contains("wait_end_of_query=1"))
    }

    @Test func checkRefusesCredentialsInClearAndUnknownFields() throws {
        let pair = ClickHouseJobPair()
        pair.writeClickHouseJob(#"url: "http://ch.example:8123", user_env: "U", password_env: "P", columns: { callee: "x", dt: "start time" }, max_answer_mb: 0"#)
        let out = try KlaxonBinary.run(["check", pair.scratch.url("ch.json5")])
        #expect(out.status == 1)
        for expected in ["inputs.cdrs.clickhouse.url", "in clear", "inputs.cdrs.clickhouse.columns.callee: unknown field",
                         "columns.dt: \"start time\" is not a plain column name", "max_answer_mb: expected 1 to 65536"] {
            #expect(out.stderr.contains(expected) || out.stdout.contains(expected), "\(expected) missing: \(out.stderr)")
        }
        pair.writeClickHouseJob(#"url: "http://ch.example:8123", user_env: "U", password_env: "P", allow_plaintext_credentials: true"#)
        let allowed = try KlaxonBinary.run(["check", pair.scratch.url("ch.json5")], environment: ["U": "u", "P": "p"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test func checkRefusesPerCallAndPerDestinationAlertsOnAPull() throws {
        let pair = ClickHouseJobPair()
        pair.scratch.write("prefixes.csv", "prefix,name,group\n53,Cuba,high_risk\n", age: 0)
        pair.scratch.write("fraud.json5", """
        { name: "fraud", state: "state-fraud", destinations: { file: "prefixes.csv" },
          inputs: { cdrs: { clickhouse: { url: "http://127.0.0.1:8123", database: "cdr", table: "cdr" } } },
          alerts: [ { title: "Cuba burst", scope: { type: "customer" }, to: ["noc@example.com"], by: "destination",
                      area: "attempts", operator: ">", threshold: 20, sample_period: "1h" },
                    { title: "Long calls", scope: { type: "customer" }, to: ["noc@example.com"],
                      area: "max_duration", operator: ">", threshold: 7200, sample_period: "1h" } ] }
        """, age: 0)
        let out = try KlaxonBinary.run(["check", pair.scratch.url("fraud.json5")])
        #expect(out.status == 1)
        #expect(out.stderr.contains(#"Cuba burst"#) && out.stderr.contains(#"destinations: `by: "destination"` without a destinations filter watches every call"#), "\(out.stderr)")
        #expect(out.stderr.contains("area: the area max_duration by company needs every call"), "\(out.stderr)")
    }
}
