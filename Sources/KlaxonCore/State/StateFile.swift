import Foundation

/// The on-disk form of `KlaxonState`: a versioned header, the JSON part, the
/// tables part, the bucket part and a checksum, so that a torn or edited file
/// is recognised as corrupt instead of being half-read.
///
/// Format 2 moved the three maps that grow with the companies (companies,
/// alert instances, failure streaks) from the JSON part into the binary
/// tables part (`StateFile+Tables.swift`): JSON took most of a load and a save
/// at 10,000 companies. It also cut the bucket part into parts that two
/// threads encode and decode side by side. Format 1 files are still read
/// (their JSON holds the maps, their bucket part is one list).
enum StateFile {
    static let magic = Array("KLAXON-STATE\n".utf8)

    static func encode(_ state: KlaxonState) throws -> [UInt8] {
        var slim = state.meta
        slim.companies = [:]
        slim.instances = [:]
        slim.failureStreaks = [:]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let meta = try encoder.encode(slim)
        var w = BinaryWriter()
        // Buckets take 12–20 bytes each; the tables a few hundred bytes per company.
        let bucketCount = state.buckets.values.reduce(0) { $0 + $1.buckets.count }
        w.bytes.reserveCapacity(meta.count + 20 * bucketCount + 400 * state.meta.companies.count + 4096)
        w.bytes.append(contentsOf: magic)
        w.varint(UInt64(KlaxonState.formatVersion))
        w.fixed64(UInt64(meta.count))
        w.bytes.append(contentsOf: meta)
        let tablesStart = w.bytes.count
        w.fixed64(0)
        encodeTables(state.meta, into: &w)
        w.patchFixed64(UInt64(w.bytes.count - tablesStart - 8), at: tablesStart)
        let bucketStart = w.bytes.count
        w.fixed64(0)
        encodeBuckets(state.buckets, into: &w)
        w.patchFixed64(UInt64(w.bytes.count - bucketStart - 8), at: bucketStart)
        w.fixed64(checksum(w.bytes, count: w.bytes.count))
        return w.bytes
    }

    enum DecodeError: Error { case corrupt(String), newerVersion(Int) }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> KlaxonState {
        guard bytes.count >= magic.count + 8, bytes[0..<magic.count].elementsEqual(magic) else {
            throw .corrupt("it does not start with the Klaxon state header")
        }
        var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 8)
        do {
            let version = Int(try r.varint())
            guard version <= KlaxonState.formatVersion else { throw DecodeError.newerVersion(version) }
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
            if version >= 2 {
                let tablesLength = Int(try r.fixed64())
                guard tablesLength >= 0, tablesLength <= r.end - r.offset else { throw DecodeError.corrupt("truncated") }
                var tables = BinaryReader(bytes, offset: r.offset, end: r.offset + tablesLength)
                try decodeTables(&tables, into: &state.meta)
                guard tables.offset == tables.end else { throw DecodeError.corrupt("tables section length is wrong") }
                r.offset += tablesLength
            }
            let bucketLength = Int(try r.fixed64())
            guard bucketLength == r.end - r.offset else { throw DecodeError.corrupt("bucket section length is wrong") }
            state.buckets = version >= 2 ? try decodeBucketParts(&r) : try decodeBuckets(&r)
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

    /// The bucket part: a count of parts, then each part's length and its list.
    /// Large states are cut in two parts of about the same number of buckets.
    private static func encodeBuckets(_ buckets: [String: CompanyBuckets], into w: inout BinaryWriter) {
        let ids = buckets.keys.sorted()
        let total = buckets.values.reduce(0) { $0 + $1.buckets.count }
        var cut = ids.count
        if total >= bucketsWorthAThread {
            var sum = 0
            cut = ids.firstIndex { id in
                sum += buckets[id]?.buckets.count ?? 0
                return sum * 2 >= total
            }.map { $0 + 1 } ?? ids.count
        }
        let first = ids[0..<cut], second = ids[cut...]
        w.varint(second.isEmpty ? 1 : 2)
        let secondPart = second.isEmpty ? nil : BackgroundThread { () -> [UInt8] in
            var part = BinaryWriter()
            part.bytes.reserveCapacity(20 * (total / 2) + 64 * second.count)
            encodeBucketList(second, of: buckets, into: &part)
            return part.bytes
        }
        let start = w.bytes.count
        w.fixed64(0)
        encodeBucketList(first, of: buckets, into: &w)
        w.patchFixed64(UInt64(w.bytes.count - start - 8), at: start)
        if let secondPart {
            let bytes = secondPart.wait()
            w.fixed64(UInt64(bytes.count))
            w.bytes.append(contentsOf: bytes)
        }
    }

    private static func encodeBucketList(_ ids: ArraySlice<String>, of buckets: [String: CompanyBuckets], into w: inout BinaryWriter) {
        w.varint(UInt64(ids.count))
        var scratch: [UInt8] = []
        for id in ids {
            let list = buckets[id]?.buckets ?? []
            w.string(id)
            w.varint(UInt64(list.count))
            w.writeRaw(maxBytes: list.count * maxBucketBytes, scratch: &scratch) { c in
                var previous: Int32 = 0
                for b in list {
                    c.signed(Int64(b.minute) - Int64(previous))
                    previous = b.minute
                    c.signed(Int64(b.attempts)); c.signed(Int64(b.connected)); c.signed(Int64(b.nerSuccesses))
                    c.signed(Int64(b.redirects)); c.signed(Int64(b.pddCount)); c.signed(b.talkSeconds)
                    c.signed(b.pddMillisecondsSum); c.signed(b.customerCharge); c.signed(b.providerCharge)
                }
            }
        }
    }

    private static func decodeBucketParts(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: CompanyBuckets] {
        let parts = try r.varint()
        guard parts >= 1 && parts <= 2 else { throw BinaryReader.Truncated() }
        let firstLength = Int(try r.fixed64())
        guard firstLength >= 0, firstLength <= r.end - r.offset else { throw BinaryReader.Truncated() }
        var first = BinaryReader(r.bytes, offset: r.offset, end: r.offset + firstLength)
        r.offset += firstLength
        var secondPart: BackgroundThread<Result<[String: CompanyBuckets], BinaryReader.Truncated>>?
        if parts == 2 {
            let secondLength = Int(try r.fixed64())
            guard secondLength == r.end - r.offset else { throw BinaryReader.Truncated() }
            let second = BinaryReader(r.bytes, offset: r.offset, end: r.end)
            r.offset = r.end
            secondPart = BackgroundThread {
                var reader = second
                return Result { () throws(BinaryReader.Truncated) in
                    let buckets = try decodeBuckets(&reader)
                    guard reader.offset == reader.end else { throw BinaryReader.Truncated() }
                    return buckets
                }
            }
        }
        var result = try decodeBuckets(&first)
        guard first.offset == first.end else { throw BinaryReader.Truncated() }
        if let secondPart {
            let more = try secondPart.wait().get()
            result.reserveCapacity(result.count + more.count)
            for (id, list) in more { result[id] = list }
        }
        guard r.offset == r.end else { throw BinaryReader.Truncated() }
        return result
    }

    private static func decodeBuckets(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: CompanyBuckets] {
        let count = try r.varint()
        var result: [String: CompanyBuckets] = [:]
        result.reserveCapacity(Int(min(count, 1_000_000)))
        for _ in 0..<count {
            let id = try r.string()
            let n = try r.varint()
            // Each bucket takes at least 10 bytes: a count beyond that is a corrupt file, not an allocation.
            guard n <= UInt64(r.end - r.offset) / 10 else { throw BinaryReader.Truncated() }
            let list = try r.readRaw { (c) throws(BinaryReader.Truncated) -> [MinuteBucket] in
                var list: [MinuteBucket] = []
                // Room for the next hourly run's buckets, so that merging them is an append, not a copy.
                list.reserveCapacity(Int(n) + Int(n) / 16 + 4)
                var minute: Int64 = 0
                for _ in 0..<n {
                    let (next, overflow) = minute.addingReportingOverflow(try c.signed())
                    guard !overflow, let m = Int32(exactly: next) else { throw BinaryReader.Truncated() }
                    minute = next
                    var b = MinuteBucket(minute: m)
                    b.attempts = try c.int32(); b.connected = try c.int32(); b.nerSuccesses = try c.int32()
                    b.redirects = try c.int32(); b.pddCount = try c.int32(); b.talkSeconds = try c.signed()
                    b.pddMillisecondsSum = try c.signed(); b.customerCharge = try c.signed(); b.providerCharge = try c.signed()
                    list.append(b)
                }
                return list
            }
            result[id] = CompanyBuckets(buckets: list)
        }
        return result
    }
}
