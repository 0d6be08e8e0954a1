import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// `inputs.cdrs.clickhouse.shard`: several jobs sharing one table's companies by
/// ClickHouse's cityHash64, against Debian's real 18.16 server and chdb.
@Suite("ClickHouse shards", .serialized, .enabled(if: LocalClickHouseServer.isAvailable, "clickhouse-server or python3 is missing: `bash .ci/setup --tests` installs them"))
struct ClickHouseShardTests {
    private func credentials(_ server: LocalClickHouseServer) -> String {
        #"url: "\#(server.url)", user_env: "KLAXON_CH_USER", password_env: "KLAXON_CH_PASSWORD""#
    }

    /// Ids of every length from 0 to 80 bytes, then random ones, with quotes, backslashes,
    /// spaces and two-, three- and four-byte UTF-8 characters among ASCII ones.
    static func ids(count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed)
        let ascii = (0x21...0x7e).map { String(UnicodeScalar(UInt8($0))) } + [" "]
        let pool = ascii + ["é", "ü", "ß", "ñ", "中", "文", "€", "📞", "🇨🇺", "'", "\\"]
        return (0..<count).map { i in
            let target = i < 81 * 4 ? i % 81 : Int(rng.next() % 81)
            var s = ""
            while s.utf8.count < target {
                let c = pool[Int(rng.next() % UInt64(pool.count))]
                if c.utf8.count <= target - s.utf8.count { s += c }
            }
            return s
        }
    }

    static func literal(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The `[h1,h2,…]` line an engine prints for `arrayMap(s -> cityHash64(s), […])`.
    static func hashes(_ answer: String) -> [UInt64] {
        guard let line = answer.split(separator: "\n").first(where: { $0.hasPrefix("[") }) else { return [] }
        return line.dropFirst().dropLast().split(separator: ",").compactMap { UInt64($0) }
    }

    @Test(.enabled(if: ChDB.isAvailable, "chdb is missing: pip install chdb"))
    func cityHash64IsClickHousesOnThousandsOfIds() throws {
        let server = try LocalClickHouseServer()
        let scratch = Scratch()
        let ids = Self.ids(count: 4000, seed: 0x5A4D)
        #expect(Set(ids.map { $0.utf8.count }) == Set(0...80))
        #expect(ids.contains { $0.utf8.count != $0.count }, "non-ASCII ids must be among them")
        var checked = 0
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let batch = Array(ids[start..<min(start + 1000, ids.count)])
            let sql = "SELECT arrayMap(s -> cityHash64(s), [\(batch.map(Self.literal).joined(separator: ", "))]) FORMAT TabSeparated\n"
            let swift = batch.map(CityHash64.hash)
            let old = Self.hashes(try server.query(sql)), new = Self.hashes(try ChDB.run(sql, in: scratch))
            #expect(old.count == batch.count && new.count == batch.count)
            for (i, id) in batch.enumerated() where i < old.count && i < new.count {
                #expect(swift[i] == old[i], "18.16: \(Self.literal(id)) (\(id.utf8.count) bytes)")
                #expect(swift[i] == new[i], "chdb: \(Self.literal(id)) (\(id.utf8.count) bytes)")
                checked += 1
            }
        }
        #expect(checked == ids.count)
    }

    @Test(.enabled(if: ChDB.isAvailable, "chdb is missing: pip install chdb"))
    func theShardedPullRunsOnBothEnginesAndItsShardsMakeTheWhole() throws {
        let server = try LocalClickHouseServer()
        let files = ClickHouseJobPair.hours.map(ClickHouseJobPair.fixture)
        try server.load(files)
        let scratch = Scratch()
        let from = epoch("2026-11-27T00:00:00Z"), to = epoch("2026-11-27T02:00:00Z")
        func sql(_ shard: ClickHouseShard?) -> String {
            var settings = ClickHouseQueryEngineTests.settings
            settings.shard = shard
            return ClickHouseQuery(settings: settings).sql(from: from, to: to)
        }
        func rows(_ answer: String) -> [String] { answer.split(separator: "\n").dropFirst().map(String.init).sorted() }
        let whole = rows(try server.query(sql(nil)))
        #expect(whole.count > 100)
        var union: [String] = []
        for i in 0..<2 {
            let shard = ClickHouseShard(count: 2, index: i)
            let old = rows(try server.query(sql(shard))), new = rows(try ChDB.run(sql(shard), cdrFiles: files, in: scratch))
            #expect(old == new, "18.16 and chdb answer shard \(i) differently")
            #expect(!old.isEmpty && old.count < whole.count)
            // The server's choice of rows is the one Swift makes: both roles' companies hash into the shard.
            #expect(old.allSatisfy { shard.holds(String($0.prefix { $0 != "\t" })) })
            union += old
        }
        #expect(union.sorted() == whole, "the two shards' rows are the whole answer, each row once")
    }
}
