import KlaxonEngine
/// What a state was loaded from, kept so that the next save can skip work:
/// the file's bytes, where each company's buckets and each bucket block lie in
/// them, and the order of the tables' keys.
///
/// An hourly run changes the buckets of few companies and adds few keys; a
/// save that re-encoded and re-sorted everything spent most of its time
/// redoing what the file already held (sorting the 900,000 instance keys of
/// 300,000 companies alone was a third of it). With the image, a company whose
/// buckets are still the loaded slice is copied as its record's bytes, a
/// block of only such companies is written straight from the loaded buffer,
/// and the tables are written in the loaded order when the keys are the same.
///
/// Immutable once built; it is not part of the state's content (`==` ignores it).
final class StateImage: Sendable {
    /// One company's record in the bucket blocks.
    struct Record: Sendable {
        let id: String
        /// From the id's length to the end of its buckets.
        let bytes: Range<Int>
        /// Where `EncodedBuckets.rest` started, and how many buckets from which first minute.
        let rest: Range<Int>
        let count: Int
        let first: Int32
    }

    /// One block: its records (indices into `records`) and its bytes, length
    /// included; nil when it held a company without buckets (which has no record).
    struct Block: Sendable {
        let records: Range<Int>
        let bytes: Range<Int>?
    }

    let bytes: [UInt8]
    let records: [Record]
    let blocks: [Block]
    /// The tables' keys in the order the file holds them (sorted by the writer).
    let companyKeys: [String]
    let instanceKeys: [String]
    let streakKeys: [String]

    init(bytes: [UInt8], records: [Record], blocks: [Block], companyKeys: [String], instanceKeys: [String], streakKeys: [String]) {
        self.bytes = bytes
        self.records = records
        self.blocks = blocks
        self.companyKeys = companyKeys
        self.instanceKeys = instanceKeys
        self.streakKeys = streakKeys
        assert(verifyInvariants())
    }

    /// Whether `buckets` are still exactly the slice of this file that `record` loaded:
    /// no bucket added, none pruned, and the bytes those of this buffer (not of
    /// another load whose offsets happen to match).
    func isUnchanged(_ buckets: CompanyBuckets, as record: Record) -> Bool {
        let (encoded, list) = buckets.parts
        guard list.isEmpty, let e = encoded, !e.ownsBytes, e.count == record.count, e.first == record.first,
              e.rest.startIndex == record.rest.lowerBound, e.rest.endIndex == record.rest.upperBound
        else { return false }
        let slice = e.rest.withUnsafeBufferPointer { $0.baseAddress }
        let file = bytes.withUnsafeBufferPointer { $0.baseAddress }
        guard let slice, let file else { return record.rest.isEmpty }
        return slice == file + record.rest.lowerBound
    }

    /// Records lie inside the file in order, each block covers consecutive records.
    func verifyInvariants() -> Bool {
        var end = 0
        for r in records {
            guard r.bytes.lowerBound >= end, r.rest.lowerBound >= r.bytes.lowerBound, r.rest.upperBound == r.bytes.upperBound,
                  r.bytes.upperBound <= bytes.count else { return false }
            end = r.bytes.upperBound
        }
        var next = 0
        for b in blocks {
            guard b.records.lowerBound == next, (b.bytes?.upperBound ?? 0) <= bytes.count else { return false }
            next = b.records.upperBound
        }
        return next == records.count
    }

    /// The same image with the companies' keys, which a second thread read.
    func with(companyKeys: [String]) -> StateImage {
        StateImage(bytes: bytes, records: records, blocks: blocks, companyKeys: companyKeys, instanceKeys: instanceKeys, streakKeys: streakKeys)
    }
}
