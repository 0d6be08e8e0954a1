extension RunSummary {
    /// A shard job reads the whole balance snapshot and keeps its own companies: the rows
    /// it left to other shards are said, so that the file's rows add up.
    static func shardLines(_ report: RunReport) -> [String] {
        report.files.compactMap { file in
            guard let others = file.otherShards else { return nil }
            return "  \(file.input)/\(file.name): \(file.folded) snapshot row\(file.folded == 1 ? "" : "s") of this shard kept, \(others) of other shards left to them"
        }
    }
}
