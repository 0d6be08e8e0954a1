/// `inputs.cdrs.clickhouse.shard`: this job holds the companies whose id hashes to
/// `index` modulo `count`, by ClickHouse's own `cityHash64`, so that the pull's SQL
/// and the balance snapshot's filter pick the same companies. Sound because each
/// role is grouped by its own company column: a shard gets the whole sums of its
/// customers and of its carriers.
public struct ClickHouseShard: Sendable, Equatable {
    public var count: Int
    public var index: Int

    public func holds(_ company: String) -> Bool {
        CityHash64.hash(company) % UInt64(count) == UInt64(index)
    }

    /// The SQL condition on a role's company (already a String), the same test as `holds`.
    func condition(_ company: String) -> String {
        "modulo(cityHash64(\(company)), \(count)) = \(index)"
    }

    /// "shard 1 of 4", as messages name it (counting from 0, as `index` does).
    public var name: String { "shard \(index) of \(count)" }
}

enum ClickHouseShardParser {
    static let maxCount = 4096

    static func parse(_ c: inout ObjectReader) -> ClickHouseShard? {
        guard c.has("shard") else { return nil }
        guard var s = c.object("shard") else { return nil }
        let count = s.integer("count"), index = s.integer("index")
        if !s.has("count") { s.problem("count", "is required (how many jobs share the companies)") }
        if !s.has("index") { s.problem("index", "is required (this job's shard, from 0 to count − 1)") }
        var shard: ClickHouseShard?
        if let count, let index {
            if count < 1 || count > maxCount {
                s.problem("count", "expected 1 to \(maxCount) jobs")
            } else if index >= count {
                s.problem("index", "expected 0 to \(count - 1) (the shards of count: \(count) are numbered from 0)")
            } else {
                shard = ClickHouseShard(count: count, index: index)
            }
        }
        s.rejectUnknownKeys()
        c.absorb(s)
        return shard
    }
}
