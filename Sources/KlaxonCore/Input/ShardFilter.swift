/// What a shard job keeps of the companies every shard job reads: the balance
/// snapshot is one file for all of them, and each keeps the rows of its own shard.
extension BalanceFileReader.Snapshot {
    /// The rows of other shards are neither folded nor rejected: they are another job's
    /// companies, counted apart (`otherShards`) so that the file's rows still add up.
    mutating func keep(_ shard: ClickHouseShard, report: inout FileReport) {
        let before = companies.count
        companies = companies.filter { shard.holds($0.id) }
        lostIDs = lostIDs.filter { shard.holds($0) }
        let others = before - companies.count
        report.folded -= others
        report.otherShards = others
    }
}

extension KlaxonState {
    /// Drops what the state holds of companies outside `shard`: left from before the job
    /// was sharded, or from another `count`. Kept, they would be evaluated on minutes this
    /// job no longer pulls, and decide twice with the shard that now holds them.
    /// Returns the ids dropped, in order.
    mutating func dropCompanies(outside shard: ClickHouseShard) -> [String] {
        var cache: [String: Bool] = [:]
        func holds(_ id: String) -> Bool {
            if let known = cache[id] { return known }
            let h = shard.holds(id)
            cache[id] = h
            return h
        }
        let gone = meta.companies.keys.filter { !holds($0) }.sorted()
        for id in gone { meta.companies[id] = nil }
        buckets = buckets.filter { holds($0.key) }
        meta.failureStreaks = meta.failureStreaks.filter { holds($0.key) }
        // Instance keys are "title␟company" (with "␟destination" for a per-destination one).
        func instanceCompany(_ key: String) -> String? {
            let parts = key.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            return parts.count >= 2 ? String(parts[1]) : nil
        }
        meta.instances = meta.instances.filter { instanceCompany($0.key).map(holds) ?? true }
        meta.notices = meta.notices?.filter { instanceCompany($0.key).map(holds) ?? true }
        return gone
    }
}

extension FileReport {
    static func droppedForShard(_ ids: [String], _ shard: ClickHouseShard) -> String {
        let shown = ids.prefix(20).joined(separator: ", ") + (ids.count > 20 ? " and \(ids.count - 20) more" : "")
        return "\(ids.count) compan\(ids.count == 1 ? "y" : "ies") outside \(shard.name) dropped from this job's state (with their buckets and alert instances), now another shard's: \(shown)"
    }
}
