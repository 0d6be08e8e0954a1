/// A balance cell that lists several values (`email`, `phone`, `tags`):
/// `a@x.example; b@x.example`, split at `;`, each item trimmed, empty ones dropped.
enum CellList {
    /// The items of `text`. An ASCII cell (nearly all) is split on its bytes:
    /// `String.split` walks Characters, which cost ~7,000 instructions a cell,
    /// most of a 10,000-company snapshot's read. In ASCII every Character is
    /// one byte (CR LF, the one two-byte cluster, holds no `;`), so both splits
    /// agree; any other cell takes the Character split, where a `;` followed by
    /// a combining mark is not a separator.
    static func items(_ text: String) -> [String] {
        let utf8 = text.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.split(separator: ";").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
        }
        var items: [String] = []
        var start = utf8.startIndex
        var i = start
        while true {
            let atEnd = i == utf8.endIndex
            if atEnd || utf8[i] == UInt8(ascii: ";") {
                if start != i {
                    let item = String(Substring(utf8[start..<i])).trimmingWhitespace
                    if !item.isEmpty { items.append(item) }
                }
                if atEnd { return items }
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
    }
}
