/// The order the evaluator visits companies in: by id, as `String`'s `<` sorts
/// them, which the report's decisions and the messages keep.
///
/// At 300,000 companies `keys.sorted()` then one lookup per key took about a
/// tenth of evaluating: each comparison of two `String`s is a call, and each
/// lookup hashes the id and misses the cache. Ids are nearly always ASCII, and
/// for ASCII `String`'s order is the order of the bytes: the ids are sorted by
/// their first eight bytes as one integer (a full comparison only when those
/// are equal), and each record is read through its dictionary index, unhashed.
enum CompanyOrder {
    static func sorted(_ records: [String: CompanyRecord]) -> [Company] {
        var heads: [(head: UInt64, index: Dictionary<String, CompanyRecord>.Index)] = []
        heads.reserveCapacity(records.count)
        var index = records.startIndex
        while index != records.endIndex {
            guard let head = asciiHead(records.keys[index]) else {
                // Outside ASCII `String` compares canonical equivalents, not bytes.
                return records.keys.sorted().compactMap { records[$0]?.currentView }
            }
            heads.append((head, index))
            records.formIndex(after: &index)
        }
        heads.sort { a, b in
            a.head != b.head ? a.head < b.head : records.keys[a.index] < records.keys[b.index]
        }
        return heads.map { records.values[$0.index].currentView }
    }

    /// The first eight bytes, big-endian, zero-padded; nil when the id is not ASCII.
    /// A shorter id pads with zeros, so it sorts first among those it begins, as bytes do.
    static func asciiHead(_ id: String) -> UInt64? {
        var head: UInt64 = 0
        var taken = 0
        for byte in id.utf8 {
            guard byte < 0x80 else { return nil }
            if taken < 8 {
                head |= UInt64(byte) << (56 - 8 * UInt64(taken))
                taken += 1
            }
        }
        return head
    }
}
