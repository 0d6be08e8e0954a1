/// "Did you mean" for a mistyped command, option or value.
enum Suggestion {
    /// `; did you mean --dry-run?`, or nothing when no candidate is close.
    static func didYouMean(_ word: String, among candidates: [String], prefix: String) -> String {
        guard let best = closest(word, among: candidates) else { return "" }
        return "; did you mean \(prefix)\(best)?"
    }

    /// The candidate within a third of the word's length in edits (at least one, at
    /// most three), or the only one the word begins; nil when none is that close.
    static func closest(_ word: String, among candidates: [String]) -> String? {
        let lower = word.lowercased()
        let limit = min(3, max(1, lower.count / 3))
        let scored = candidates.map { ($0, distance(lower, $0.lowercased())) }.filter { $0.1 <= limit }
        if let best = scored.min(by: { $0.1 < $1.1 }) { return best.0 }
        let prefixed = candidates.filter { !lower.isEmpty && $0.lowercased().hasPrefix(lower) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Levenshtein distance, with a transposition counted as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            before = previous
            previous = current
        }
        return previous[b.count]
    }

    /// `md, csv or html`.
    static func list(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
    }
}
