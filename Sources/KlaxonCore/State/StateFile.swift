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
/// Only the current format is read: the formats before it were never
/// released, and a file in one of them is refused by its number.
enum StateFile {
    static let magic = Array("KLAXON-STATE\n".utf8)

    /// The whole file in memory (tests; `StateStore` streams it with `write`).
    static func encode(_ state: KlaxonState) throws -> [UInt8] {
        let head = try encodeHead(state)
        var out = MemoryOutput()
        try write(head: head, buckets: state.buckets, into: &out)
        return out.bytes
    }

    /// Everything before the bucket blocks: header, JSON part and tables part.
    /// With enough companies, a second thread encodes the instance tables while
    /// this one writes the company table and the JSON part: the two halves take
    /// similar time, and the commit waits for both.
    static func encodeHead(_ state: KlaxonState) throws -> [UInt8] {
        let meta = state.meta
        @Sendable func instanceTables() -> [UInt8] {
            var w = BinaryWriter()
            w.bytes.reserveCapacity(60 * meta.instances.count + 1024)
            encodeInstanceTables(meta, into: &w)
            return w.bytes
        }
        let helper = meta.companies.count + meta.instances.count >= tableRowsWorthAThread
            ? BackgroundThread { instanceTables() } : nil
        var companies = BinaryWriter()
        companies.bytes.reserveCapacity(200 * meta.companies.count + 1024)
        encodeCompanyTable(meta, into: &companies)
        let json = try encodeJSON(meta)
        let instances = helper?.wait() ?? instanceTables()

        var w = BinaryWriter()
        w.bytes.reserveCapacity(magic.count + 40 + json.count + companies.bytes.count + instances.count)
        w.bytes.append(contentsOf: magic)
        w.varint(UInt64(KlaxonState.formatVersion))
        w.fixed64(UInt64(json.count))
        w.bytes.append(contentsOf: json)
        w.fixed64(UInt64(companies.bytes.count + instances.count))
        w.bytes.append(contentsOf: companies.bytes)
        w.bytes.append(contentsOf: instances)
        return w.bytes
    }

    /// Below this many companies and instances a second thread costs more than it saves.
    static let tableRowsWorthAThread = 2_000

    /// The JSON part: the meta without the maps the tables part holds.
    private static func encodeJSON(_ meta: StateMeta) throws -> Data {
        var slim = meta
        slim.companies = [:]
        slim.instances = [:]
        slim.failureStreaks = [:]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(slim)
    }

    /// Writes `head`, then the buckets in blocks, then the checksum of it all.
    /// Memory holds two blocks, never the whole file; with enough buckets a
    /// second thread helps encode them (`BlockEncoder`).
    static func write<Out: ByteOutput>(head: [UInt8], buckets: [String: CompanyBuckets], into out: inout Out) throws(AtomicFile.WriteError) {
        var digest = ContentDigest()
        func emit(_ bytes: [UInt8]) throws(AtomicFile.WriteError) {
            digest.update(bytes)
            try out.write(bytes)
        }
        try emit(head)
        // Each company's bucket count taken in one pass over the dictionary, not
        // by a lookup per id (which copied the company's buckets to count them).
        let sized = buckets.map { (id: $0.key, count: $0.value.count) }.sorted { $0.id < $1.id }
        let ids = sized.map(\.id)
        var blocks: [Range<Int>] = []
        var start = 0, inBlock = 0, total = 0
        for (k, n) in sized.map(\.count).enumerated() {
            inBlock += n
            total += n
            if inBlock >= bucketsPerBlock {
                blocks.append(start..<k + 1)
                start = k + 1
                inBlock = 0
            }
        }
        if start < ids.count { blocks.append(start..<ids.count) }
        let encoder = BlockEncoder(blocks: blocks.map { ids[$0] }, of: buckets, helped: total >= bucketsWorthAThread)
        defer { encoder.finish() }
        while let block = encoder.next() { try emit(block) }
        var tail = BinaryWriter()
        tail.fixed64(0)
        try emit(tail.bytes)
        tail.bytes.removeAll()
        tail.fixed64(UInt64(digest.finalize(), radix: 16) ?? 0)
        try out.write(tail.bytes)
    }

    /// Blocks of about this many buckets (about 1 MB encoded).
    static let bucketsPerBlock = 65_536

    enum DecodeError: Error { case corrupt(String), newerVersion(Int), olderVersion(Int) }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> KlaxonState {
        guard bytes.count >= magic.count + 8, bytes[0..<magic.count].elementsEqual(magic) else {
            throw .corrupt("it does not start with the Klaxon state header")
        }
        var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 8)
        do {
            let version = Int(try r.varint())
            guard version <= KlaxonState.formatVersion else { throw DecodeError.newerVersion(version) }
            guard version == KlaxonState.formatVersion else { throw DecodeError.olderVersion(version) }
            var tail = BinaryReader(bytes, offset: bytes.count - 8)
            let stored = try tail.fixed64()
            guard checksum(bytes, count: bytes.count - 8) == stored else {
                throw DecodeError.corrupt("its checksum does not match (a torn write or an edit)")
            }
            let metaLength = Int(try r.fixed64())
            guard metaLength >= 0, metaLength <= r.end - r.offset else { throw DecodeError.corrupt("truncated") }
            var state = KlaxonState()
            state.meta = try bytes.withUnsafeBytes { raw in
                try JSONDecoder().decode(StateMeta.self, from: Data(raw[r.offset..<r.offset + metaLength]))
            }
            r.offset += metaLength
            let tablesLength = Int(try r.fixed64())
            guard tablesLength >= 0, tablesLength <= r.end - r.offset else { throw DecodeError.corrupt("truncated") }
            var tables = BinaryReader(bytes, offset: r.offset, end: r.offset + tablesLength)
            try decodeTables(&tables, into: &state.meta)
            guard tables.offset == tables.end else { throw DecodeError.corrupt("tables section length is wrong") }
            r.offset += tablesLength
            state.buckets = try decodeIndexedBlocks(&r)
            return state
        } catch let error as DecodeError {
            throw error
        } catch is BinaryReader.Truncated {
            throw .corrupt("truncated")
        } catch {
            throw .corrupt("unreadable (\(error))")
        }
    }

    /// The digest of the first `count` bytes, as the 64-bit number the file ends with.
    private static func checksum(_ bytes: [UInt8], count: Int) -> UInt64 {
        var digest = ContentDigest()
        bytes.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return UInt64(digest.finalize(), radix: 16) ?? 0
    }

    /// Each bucket takes at most 10 varints of at most 10 bytes.
    private static let maxBucketBytes = 100

    /// Below this many buckets a second thread costs more than it saves.
    static let bucketsWorthAThread = 200_000

    /// A block's content: a count of companies, then each one's id,
    /// bucket count, last minute, byte length and buckets (`EncodedBuckets`).
    /// Buckets still encoded from the load are copied.
    static func encodeCompanies(_ ids: ArraySlice<String>, of buckets: [String: CompanyBuckets],
                                into w: inout BinaryWriter, scratch: inout [UInt8]) {
        w.varint(UInt64(ids.count))
        for id in ids {
            let (encoded, list) = buckets[id]?.parts ?? (nil, [])
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

    /// The bucket blocks: only the index is read; each company keeps a slice of
    /// the file's bytes, decoded if and when the run needs its buckets.
    private static func decodeIndexedBlocks(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: CompanyBuckets] {
        var result: [String: CompanyBuckets] = [:]
        while true {
            let length = try r.fixed64()
            guard length <= UInt64(r.end - r.offset) else { throw BinaryReader.Truncated() }
            if length == 0 { break }
            var block = BinaryReader(r.bytes, offset: r.offset, end: r.offset + Int(length))
            r.offset += Int(length)
            let count = try block.varint()
            result.reserveCapacity(result.count + Int(min(count, 1_000_000)))
            for _ in 0..<count {
                let id = try block.string()
                let n = try block.varint()
                let last = try block.int32()
                let bytes = Int(try block.fixed64() & 0x7FFF_FFFF_FFFF_FFFF)
                // Each bucket takes at least 10 bytes.
                guard bytes <= block.end - block.offset, n <= UInt64(bytes) / 10 else { throw BinaryReader.Truncated() }
                let end = block.offset + bytes
                if n == 0 {
                    result[id] = CompanyBuckets()
                } else {
                    let first = try block.int32()
                    guard first <= last, block.offset <= end else { throw BinaryReader.Truncated() }
                    result[id] = CompanyBuckets(encoded: EncodedBuckets(first: first, last: last, count: Int(n),
                                                                        rest: r.bytes[block.offset..<end]))
                }
                block.offset = end
            }
            guard block.offset == block.end else { throw BinaryReader.Truncated() }
        }
        guard r.offset == r.end else { throw BinaryReader.Truncated() }
        return result
    }
}
