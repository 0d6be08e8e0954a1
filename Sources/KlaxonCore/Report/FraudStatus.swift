/// What `klaxon status` adds to an instance line for behaviour.md "Destinations, fraud rules and baselines": the destination
/// of a per-destination instance (its key's third part) and the level under `levels`.
enum FraudStatus {
    static func suffix(key: String, state: KlaxonState) -> String {
        let parts = key.split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
        var text = parts.count == 3 ? " / \(parts[2])" : ""
        if let level = state.meta.fraud?.levels[key] { text += " (\(level.rawValue))" }
        return text
    }
}
