import KlaxonEngine
/// What a save writes in the bucket blocks, company by company, in id order:
/// the bytes of a record still as loaded (`StateImage`), or a company encoded
/// afresh; and which blocks are a loaded block byte for byte, written straight
/// from the loaded buffer.
///
/// The blocks are cut as they always were (about `StateFile.bucketsPerBlock`
/// buckets each, by company), so a state saved with nothing changed has the
/// same blocks as the file it was loaded from.
struct SavePlan: Sendable {
    enum Item: Sendable {
        /// The record of this index in the image, as loaded.
        case copy(Int)
        /// This company, encoded from its `CompanyBuckets`.
        case encode(String)
    }

    struct Block: Sendable {
        let items: Range<Int>
        /// The loaded block's bytes (length included) when this block is that block unchanged.
        let verbatim: Range<Int>?
    }

    let items: [Item]
    let blocks: [Block]
    let image: StateImage?
    let buckets: [String: CompanyBuckets]
    /// Buckets in all.
    let total: Int

    init(buckets: [String: CompanyBuckets], image: StateImage?) {
        self.buckets = buckets
        self.image = image
        var items: [Item] = []
        var counts: [Int] = []
        items.reserveCapacity(buckets.count)
        counts.reserveCapacity(buckets.count)
        if let image {
            // The loaded records in the file's (sorted) order, then the companies new since the load merged in.
            var present = 0
            for (k, record) in image.records.enumerated() {
                guard let b = buckets[record.id] else { continue }
                present += 1
                items.append(image.isUnchanged(b, as: record) ? .copy(k) : .encode(record.id))
                counts.append(b.count)
            }
            if present < buckets.count { Self.mergeNew(buckets, image: image, items: &items, counts: &counts) }
        } else {
            // Each company's count in one pass over the dictionary, not a lookup per sorted id.
            let sized = buckets.map { (id: $0.key, count: $0.value.count) }.sorted { $0.id < $1.id }
            for s in sized {
                items.append(.encode(s.id))
                counts.append(s.count)
            }
        }
        self.items = items
        total = counts.reduce(0, +)
        blocks = Self.cut(items, counts: counts, image: image)
    }

    /// The companies the image has no record of, sorted, merged into the loaded order.
    private static func mergeNew(_ buckets: [String: CompanyBuckets], image: StateImage, items: inout [Item], counts: inout [Int]) {
        let known = Set(image.records.map(\.id))
        let new = buckets.compactMap { known.contains($0.key) ? nil : (id: $0.key, count: $0.value.count) }.sorted { $0.id < $1.id }
        var merged: [Item] = [], mergedCounts: [Int] = []
        merged.reserveCapacity(items.count + new.count)
        mergedCounts.reserveCapacity(items.count + new.count)
        var j = 0
        for (item, count) in zip(items, counts) {
            let id = Self.id(of: item, image: image)
            while j < new.count, new[j].id < id {
                merged.append(.encode(new[j].id))
                mergedCounts.append(new[j].count)
                j += 1
            }
            merged.append(item)
            mergedCounts.append(count)
        }
        for n in new[j...] {
            merged.append(.encode(n.id))
            mergedCounts.append(n.count)
        }
        items = merged
        counts = mergedCounts
    }

    private static func id(of item: Item, image: StateImage) -> String {
        switch item {
        case .copy(let k): return image.records[k].id
        case .encode(let id): return id
        }
    }

    /// Blocks of about `bucketsPerBlock` buckets; a block that holds exactly the
    /// records of one loaded block, all unchanged, is that block. A block also
    /// ends where a loaded one did, once at least half full: a company added or
    /// grown early in the file then shifts the blocks up to the next loaded
    /// end, not every block after it.
    private static func cut(_ items: [Item], counts: [Int], image: StateImage?) -> [Block] {
        var loadedEnds = Set<Int>()
        for b in image?.blocks ?? [] where !b.records.isEmpty { loadedEnds.insert(b.records.upperBound - 1) }
        var ranges: [Range<Int>] = []
        var start = 0, inBlock = 0
        for (k, n) in counts.enumerated() {
            inBlock += n
            var atLoadedEnd = false
            if case .copy(let record) = items[k] { atLoadedEnd = loadedEnds.contains(record) }
            if inBlock >= StateFile.bucketsPerBlock || (atLoadedEnd && inBlock >= StateFile.bucketsPerBlock / 2) {
                ranges.append(start..<k + 1)
                start = k + 1
                inBlock = 0
            }
        }
        if start < items.count { ranges.append(start..<items.count) }
        guard let image else { return ranges.map { Block(items: $0, verbatim: nil) } }
        var loadedBlock: [Int: (records: Range<Int>, bytes: Range<Int>)] = [:]
        for b in image.blocks { if let bytes = b.bytes { loadedBlock[b.records.lowerBound] = (b.records, bytes) } }
        return ranges.map { range in
            guard case .copy(let first) = items[range.lowerBound], let loaded = loadedBlock[first],
                  loaded.records.count == range.count,
                  items[range].enumerated().allSatisfy({ offset, item in
                      if case .copy(let k) = item { return k == first + offset }
                      return false
                  })
            else { return Block(items: range, verbatim: nil) }
            return Block(items: range, verbatim: loaded.bytes)
        }
    }

    /// A block's content after its length: its count of companies, then each
    /// one's record, copied (runs of consecutive records in one copy) or encoded.
    func encode(_ block: Block, into w: inout BinaryWriter, scratch: inout [UInt8]) {
        w.varint(UInt64(block.items.count))
        var run: Range<Int>?
        func flush() {
            if let r = run, let image { image.bytes.withUnsafeBufferPointer { w.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[r])) } }
            run = nil
        }
        for item in items[block.items] {
            switch item {
            case .copy(let k):
                guard let image else { continue }
                let bytes = image.records[k].bytes
                if let r = run, r.upperBound == bytes.lowerBound {
                    run = r.lowerBound..<bytes.upperBound
                } else {
                    flush()
                    run = bytes
                }
            case .encode(let id):
                flush()
                StateFile.encodeCompany(id, buckets[id], into: &w, scratch: &scratch)
            }
        }
        flush()
    }
}
