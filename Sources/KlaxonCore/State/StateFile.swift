import Foundation
import KlaxonEngine
import KlaxonSystem

/// The on-disk form of `KlaxonState`: a versioned header, the JSON part, the
/// tables part, the bucket part and a checksum, so that a torn or edited file
/// is recognised as corrupt instead of being half-read.
///
/// The companies, alert instances and failure streaks (the maps that grow with
/// the companies) are in a binary tables part (`StateFile+Tables.swift`), not
/// the JSON: JSON took most of a load and a save at 10,000 companies. The
/// buckets end the file in blocks of about a megabyte, each with its length,
/// then an empty block, so that a save streams them (two blocks in memory, not
/// a copy of the whole state) and the checksum follows the stream. In each
/// block every company's bucket count, last minute and byte length come
/// before its buckets: a load reads that index and keeps the bytes
/// (`EncodedBuckets`) instead of decoding millions of buckets, and a save
/// copies the bytes of the companies the run did not touch.
///
/// Format 5 adds, after the tables, a binary fraud part (the call log's calls
/// and the hourly totals, base64 in format 4's JSON), puts the companies
/// table's length before it (so that a second thread decodes it while this one
/// decodes the instances) and ends with an XXH64 of the content instead of
/// the slower `ContentDigest`. Format 6 moves the outbox from the JSON part
/// to a binary part after the fraud part (`StateFile+Outbox.swift`). Formats
/// 4 and 5 are still read, and written as 6 by the next save; the formats
/// before them were never released, and a file in one of them is refused by
/// its number.
enum StateFile {
    static let magic = Array("KLAXON-STATE\n".utf8)

    /// The whole file in memory (tests; `StateStore` streams it with `write`).
    static func encode(_ state: KlaxonState) throws -> [UInt8] {
        let head = try encodeHeadParts(state)
        var out = MemoryOutput()
        try write(head: head, buckets: state.buckets, image: state.image, into: &out)
        return out.bytes
    }

    /// Everything before the bucket blocks in one array (tests).
    static func encodeHead(_ state: KlaxonState) throws -> [UInt8] {
        Array(try encodeHeadParts(state).joined())
    }

    /// Everything before the bucket blocks: header, JSON part, tables part,
    /// fraud part and outbox part, as pieces written one after the other; one
    /// array of them all was a second copy of the tables (over 100 MB at
    /// 300,000 companies) at the first run's peak of memory. With enough
    /// companies, a second thread encodes the instance tables while this one
    /// writes the company table and the JSON part: the two halves take similar
    /// time, and the commit waits for both.
    static func encodeHeadParts(_ state: KlaxonState) throws -> [[UInt8]] {
        let meta = state.meta
        let image = state.image
        @Sendable func instanceTables() -> [UInt8] {
            var w = BinaryWriter()
            w.bytes.reserveCapacity(60 * meta.instances.count + 1024)
            encodeInstanceTables(meta, into: &w, loaded: image)
            return w.bytes
        }
        let helper = meta.companies.count + meta.instances.count >= tableRowsWorthAThread
            ? BackgroundThread { instanceTables() } : nil
        var companies = BinaryWriter()
        companies.bytes.reserveCapacity(200 * meta.companies.count + 1024)
        encodeCompanyTable(meta, into: &companies, loaded: image?.companyKeys)
        let json = try encodeJSON(meta)
        let fraud = encodeFraud(meta)
        let outbox = encodeOutbox(meta.outbox)
        let instances = helper?.wait() ?? instanceTables()

        var start = BinaryWriter()
        start.bytes.append(contentsOf: magic)
        start.varint(UInt64(KlaxonState.formatVersion))
        start.fixed64(UInt64(json.count))
        start.bytes.append(contentsOf: json)
        start.fixed64(UInt64(8 + companies.bytes.count + instances.count))
        start.fixed64(UInt64(companies.bytes.count))
        func length(_ part: [UInt8]) -> [UInt8] {
            var w = BinaryWriter()
            w.fixed64(UInt64(part.count))
            return w.bytes
        }
        return [start.bytes, companies.bytes, instances, length(fraud), fraud, length(outbox), outbox]
    }

    /// Below this many companies and instances a second thread costs more than it saves.
    static let tableRowsWorthAThread = 2_000

    /// The JSON part: the meta without the maps the tables part holds and the outbox.
    private static func encodeJSON(_ meta: StateMeta) throws -> Data {
        var slim = withoutFraudBlocks(meta)
        slim.companies = [:]
        slim.instances = [:]
        slim.failureStreaks = [:]
        slim.outbox = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(slim)
    }

    /// Writes `head`, then the buckets in blocks, then the checksum of it all.
    /// Memory holds two blocks, never the whole file; with enough buckets a
    /// second thread helps encode them (`BlockEncoder`). With the image of
    /// the loaded file, unchanged companies and blocks are copied (`SavePlan`).
    static func write<Out: ByteOutput>(head: [[UInt8]], buckets: [String: CompanyBuckets], image: StateImage? = nil,
                                       into out: inout Out) throws(AtomicFile.WriteError) {
        var digest = XXH64(seed: checksumSeed)
        func emit(_ bytes: UnsafeRawBufferPointer) throws(AtomicFile.WriteError) {
            if let base = bytes.baseAddress { digest.update(base, bytes.count) }
            try out.write(bytes)
        }
        func emit(_ bytes: ArraySlice<UInt8>) throws(AtomicFile.WriteError) {
            var failure: AtomicFile.WriteError?
            bytes.withUnsafeBytes { raw in
                do throws(AtomicFile.WriteError) { try emit(raw) } catch { failure = error }
            }
            if let failure { throw failure }
        }
        for part in head { try emit(part[...]) }
        let plan = SavePlan(buckets: buckets, image: image)
        let encoder = BlockEncoder(plan: plan, helped: plan.total >= bucketsWorthAThread)
        defer { encoder.finish() }
        while let block = encoder.next() { try emit(block) }
        var tail = BinaryWriter()
        tail.fixed64(0)
        try emit(tail.bytes[...])
        tail.bytes.removeAll()
        tail.fixed64(digest.finalize())
        try out.write(tail.bytes)
    }

    /// The seed of the checksum of formats 5 and 6, XXH64 of everything before it ("klaxon5\n").
    static let checksumSeed: UInt64 = 0x6B6C_6178_6F6E_350A

    /// Blocks of about this many buckets (about 1 MB encoded).
    static let bucketsPerBlock = 65_536

    enum DecodeError: Error { case corrupt(String), newerVersion(Int), olderVersion(Int) }

    /// Each bucket takes at most 10 varints of at most 10 bytes.
    private static let maxBucketBytes = 100

    /// Below this many buckets a second thread costs more than it saves.
    static let bucketsWorthAThread = 200_000

    /// A company's record in a block: its id, bucket count, last minute, byte
    /// length and buckets (`EncodedBuckets`). Buckets still encoded from the
    /// load are copied.
    static func encodeCompany(_ id: String, _ buckets: CompanyBuckets?, into w: inout BinaryWriter, scratch: inout [UInt8]) {
        let (encoded, list) = buckets?.parts ?? (nil, [])
        w.string(id)
        w.varint(UInt64((encoded?.count ?? 0) + list.count))
        w.signed(Int64(list.last?.minute ?? encoded?.last ?? 0))
        let lengthAt = w.bytes.count
        w.fixed64(0)
        let start = w.bytes.count
        var previous: Int32 = 0
        if let encoded {
            w.signed(Int64(encoded.first))
            w.bytes.append(contentsOf: encoded.rest)
            previous = encoded.last
        }
        w.writeRaw(maxBytes: list.count * maxBucketBytes, scratch: &scratch) { c in
            for b in list {
                c.bucket(b, after: previous)
                previous = b.minute
            }
        }
        w.patchFixed64(UInt64(w.bytes.count - start), at: lengthAt)
    }
}
