import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// Two shard jobs over one ClickHouse table decide together exactly what one job
/// over every company decides: same decisions, same values, each in one shard only.
@Suite("ClickHouse shard jobs", .serialized, .enabled(if: LocalClickHouseServer.isAvailable, "clickhouse-server or python3 is missing: `bash .ci/setup --tests` installs them"))
struct ClickHouseShardJobTests {
    private func credentials(_ server: LocalClickHouseServer) -> String {
        #"url: "\#(server.url)", user_env: "KLAXON_CH_USER", password_env: "KLAXON_CH_PASSWORD""#
    }

    private func shard(_ i: Int, of n: Int) -> String { ", shard: { count: \(n), index: \(i) }" }

    /// Each decision with its value, as one comparable string.
    static func decisions(_ report: [String: Any]) -> Set<String> {
        Set(((report["decisions"] as? [[String: Any]]) ?? []).map { d in
            String(decoding: (try? JSONSerialization.data(withJSONObject: d, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
        })
    }

    static func file(_ report: [String: Any], input: String) -> [String: Any]? {
        ((report["files"] as? [[String: Any]]) ?? []).first { $0["input"] as? String == input && $0["outcome"] as? String == "taken" }
    }

    @Test func twoShardsDecideTogetherWhatOneJobDecides() throws {
        let server = try LocalClickHouseServer()
        try server.load(ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture))
        let pair = ClickHouseJobPair()
        // A snapshot of every company of the CDRs, both roles: a CDR row of a company the snapshot
        // lacks is rejected, so a shard whose SQL and Swift hashes disagreed would exit 2.
        pair.scratch.write("balances/balances-2026-11-27T0100.csv", try String(contentsOfFile: Repository.path("fixtures/balances/balances-2026-11-27T0000.csv"), encoding: .utf8))
        pair.writeClickHouseJob(credentials(server), name: "whole")
        for i in 0..<2 { pair.writeClickHouseJob(credentials(server) + shard(i, of: 2), name: "s\(i)") }
        // A job that ran on every company and is then made shard 0: it must become shard 0.
        pair.writeClickHouseJob(credentials(server), name: "moved")
        var carriers = 0
        for now in ["2026-11-27T01:00:00Z", "2026-11-27T02:00:00Z"] {
            if now.hasSuffix("02:00:00Z") { pair.writeClickHouseJob(credentials(server) + shard(0, of: 2), name: "moved") }
            let whole = try pair.run("whole", at: now)
            let parts = try (0..<2).map { try pair.run("s\($0)", at: now) }
            let moved = try pair.run("moved", at: now)
            for run in [whole, moved] + parts { #expect(run.status == 0, "\(now): \(run.stderr)") }
            let all = Self.decisions(whole.report), s0 = Self.decisions(parts[0].report), s1 = Self.decisions(parts[1].report)
            #expect(!s0.isEmpty && !s1.isEmpty, "\(now): both shards must hold companies that decide something")
            #expect(s0.isDisjoint(with: s1), "\(now): a decision made by both shards")
            #expect(s0.union(s1) == all, "\(now): the shards together must decide what the whole job decides")
            carriers += all.filter { $0.contains("\"Carrier ASR\"") || $0.contains("\"NER\"") }.count

            // The snapshot (taken by the first run): each shard keeps its rows and says how many it left to the other.
            if now.hasSuffix("01:00:00Z") {
                let b = try #require(Self.file(whole.report, input: "balances"))
                let b0 = try #require(Self.file(parts[0].report, input: "balances"))
                let b1 = try #require(Self.file(parts[1].report, input: "balances"))
                #expect(b["otherShards"] == nil && (b["folded"] as? Int ?? 0) == 8)
                #expect((b0["folded"] as? Int ?? 0) + (b1["folded"] as? Int ?? 0) == b["folded"] as? Int)
                #expect(b0["otherShards"] as? Int == b1["folded"] as? Int && b1["otherShards"] as? Int == b0["folded"] as? Int)
            }
            // The pull: each row once, in one shard.
            let p = Self.file(whole.report, input: "cdrs"), p0 = Self.file(parts[0].report, input: "cdrs"), p1 = Self.file(parts[1].report, input: "cdrs")
            #expect((p0?["folded"] as? Int ?? 0) + (p1?["folded"] as? Int ?? 0) == p?["folded"] as? Int)

            let state = try pair.state("whole"), st = try [pair.state("s0"), pair.state("s1")]
            for i in 0..<2 {
                let mine = ClickHouseShard(count: 2, index: i)
                #expect(st[i].meta.companies.keys.allSatisfy(mine.holds))
                let same = st[i].buckets == state.buckets.filter { mine.holds($0.key) }
                #expect(same, "\(now) shard \(i) holds the buckets of \(st[i].buckets.keys.sorted())")
            }
            #expect(Set(st[0].meta.companies.keys).union(st[1].meta.companies.keys) == Set(state.meta.companies.keys))
            if now.hasSuffix("02:00:00Z") {
                #expect(Self.decisions(moved.report) == s0, "the job made shard 0 decides as shard 0")
                #expect(moved.stderr.contains("outside shard 0 of 2 dropped from this job's state"), "\(moved.stderr)")
                let same = try pair.state("moved").buckets == st[0].buckets
                #expect(same, "the job made shard 0 holds shard 0's buckets")
            }
        }
        #expect(carriers > 0, "carrier alerts must decide for the comparison to cover both roles")
    }

    @Test func checkNamesEveryWrongShardField() throws {
        let pair = ClickHouseJobPair()
        for (shard, expected) in [
            ("{ count: 2, index: 2 }", "inputs.cdrs.clickhouse.shard.index: expected 0 to 1"),
            ("{ count: 0, index: 0 }", "inputs.cdrs.clickhouse.shard.count: expected 1 to 4096"),
            ("{ count: 2 }", "inputs.cdrs.clickhouse.shard.index: is required"),
            ("{ count: 2, index: 1, seed: 3 }", "inputs.cdrs.clickhouse.shard.seed: unknown field"),
            ("{ count: 2.5, index: 0 }", "inputs.cdrs.clickhouse.shard.count: expected a whole number"),
            ("3", "inputs.cdrs.clickhouse.shard: expected an object"),
        ] {
            pair.writeClickHouseJob(#"url: "http://127.0.0.1:8123", shard: \#(shard)"#, name: "bad")
            let out = try KlaxonBinary.run(["check", pair.scratch.url("bad.json5")])
            #expect(out.status == 1, "\(shard)")
            #expect(out.stderr.contains(expected), "\(shard): \(out.stderr)")
        }
        pair.writeClickHouseJob(#"url: "http://127.0.0.1:8123", shard: { count: 4, index: 3 }"#, name: "good")
        let good = try KlaxonBinary.run(["check", pair.scratch.url("good.json5")])
        #expect(good.status == 0, "\(good.stderr)")
    }
}
