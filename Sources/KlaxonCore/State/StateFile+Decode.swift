import Foundation
import KlaxonEngine
import KlaxonSystem

/// Reading a state file of format 4, 5 or 6 (`StateFile`).
extension StateFile {
    /// The oldest format this Klaxon reads (and rewrites as the current one).
    static let oldestReadableVersion = 4

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> KlaxonState {
        guard bytes.count >= magic.count + 8, bytes[0..<magic.count].elementsEqual(magic) else {
            throw .corrupt("it does not start with the Klaxon state header")
        }
        var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 8)
        return try refusingUnreadable {
            // Compared as read: a corrupt number past Int's range is a newer format, not a trap.
            let raw = try r.varint()
            guard let version = Int(exactly: raw), version <= KlaxonState.formatVersion else {
                throw DecodeError.newerVersion(Int(clamping: raw))
            }
            guard version >= oldestReadableVersion else { throw DecodeError.olderVersion(version) }
            var tail = BinaryReader(bytes, offset: bytes.count - 8)
            let stored = try tail.fixed64()
            if version == 4 {
                guard contentDigest(bytes, count: bytes.count - 8) == stored else { throw checksumMismatch }
                return try decodeParts(&r, version: version, companies: nil)
            }
            let parts = try PartRanges(&r, version: version)
            // The companies table and the checksum on a second thread while this one decodes the rest.
            @Sendable func companiesAndChecksum() -> CompanyPart {
                var part = CompanyPart(matches: xxh64(bytes, count: bytes.count - 8) == stored)
                var c = BinaryReader(bytes, offset: parts.companies.lowerBound, end: parts.companies.upperBound)
                do {
                    part.keys = try decodeCompanyTable(&c, into: &part.table)
                    part.complete = c.offset == c.end
                } catch {}
                return part
            }
            let helper = bytes.count >= bytesWorthAThread ? BackgroundThread { companiesAndChecksum() } : nil
            let decoded: Result<KlaxonState, DecodeError>
            do throws(DecodeError) {
                decoded = .success(try decodeParts(&r, version: version, companies: parts))
            } catch {
                decoded = .failure(error)
            }
            let companies = helper?.wait() ?? companiesAndChecksum()
            // A torn or edited file is reported as such, whatever else failed to decode.
            guard companies.matches else { throw checksumMismatch }
            var state = try decoded.get()
            guard companies.complete else { throw DecodeError.corrupt("companies table length is wrong") }
            state.meta.companies = companies.table
            state.image = state.image?.with(companyKeys: companies.keys)
            return state
        }
    }

    private static var checksumMismatch: DecodeError { .corrupt("its checksum does not match (a torn write or an edit)") }

    /// Below this size a second thread costs more than it saves.
    static let bytesWorthAThread = 1 << 20

    /// What the second thread of a format-5 load returns.
    private struct CompanyPart: Sendable {
        var matches: Bool
        var table: [String: CompanyRecord] = [:]
        var keys: [String] = []
        var complete = false
    }

    /// Where a format-5 file's parts are, read from their lengths.
    private struct PartRanges: Sendable {
        let json: Range<Int>
        let companies: Range<Int>
        let instances: Range<Int>
        let fraud: Range<Int>
        /// Nil before format 6, whose JSON part holds the outbox.
        let outbox: Range<Int>?

        init(_ r: inout BinaryReader, version: Int) throws(BinaryReader.Truncated) {
            json = try r.part()
            let tables = try r.part()
            var t = BinaryReader(r.bytes, offset: tables.lowerBound, end: tables.upperBound)
            companies = try t.part()
            instances = t.offset..<tables.upperBound
            fraud = try r.part()
            outbox = version >= StateFile.outboxPartSince ? try r.part() : nil
        }
    }

    /// Everything but the companies table when `parts` says where the parts are
    /// (formats 5 and 6); everything when it is nil (format 4, read in order from `r`).
    private static func decodeParts(_ r: inout BinaryReader, version: Int, companies parts: PartRanges?) throws(DecodeError) -> KlaxonState {
        try refusingUnreadable {
            let json = try parts?.json ?? r.part()
            var state = KlaxonState()
            state.meta = try r.bytes.withUnsafeBytes { raw in
                try JSONDecoder().decode(StateMeta.self, from: Data(raw[json]))
            }
            var companyKeys: [String] = []
            let keys: (instances: [String], streaks: [String])
            if let parts {
                var tables = BinaryReader(r.bytes, offset: parts.instances.lowerBound, end: parts.instances.upperBound)
                keys = try decodeInstanceTables(&tables, into: &state.meta)
                guard tables.offset == tables.end else { throw DecodeError.corrupt("tables section length is wrong") }
                try decodeFraud(BinaryReader(r.bytes, offset: parts.fraud.lowerBound, end: parts.fraud.upperBound), into: &state.meta)
                if let outbox = parts.outbox {
                    guard state.meta.outbox.isEmpty else { throw DecodeError.corrupt("its JSON part holds an outbox as well as its outbox part") }
                    state.meta.outbox = try decodeOutbox(BinaryReader(r.bytes, offset: outbox.lowerBound, end: outbox.upperBound))
                }
            } else {
                let range = try r.part()
                var tables = BinaryReader(r.bytes, offset: range.lowerBound, end: range.upperBound)
                companyKeys = try decodeCompanyTable(&tables, into: &state.meta.companies)
                keys = try decodeInstanceTables(&tables, into: &state.meta)
                guard tables.offset == tables.end else { throw DecodeError.corrupt("tables section length is wrong") }
            }
            let blocks = try decodeIndexedBlocks(&r)
            state.buckets = blocks.buckets
            state.image = StateImage(bytes: r.bytes, records: blocks.records, blocks: blocks.blocks,
                                     companyKeys: companyKeys, instanceKeys: keys.instances, streakKeys: keys.streaks)
            return state
        }
    }

    /// Every failure of a decode as the refusal of a corrupt state: a truncated
    /// read, a JSON part that does not decode, anything else by its description.
    private static func refusingUnreadable<T>(_ body: () throws -> T) throws(DecodeError) -> T {
        do {
            return try body()
        } catch let error as DecodeError {
            throw error
        } catch is BinaryReader.Truncated {
            throw .corrupt("truncated")
        } catch {
            throw .corrupt("unreadable (\(error))")
        }
    }

    /// Format 4's checksum: `ContentDigest` of the first `count` bytes.
    private static func contentDigest(_ bytes: [UInt8], count: Int) -> UInt64 {
        var digest = ContentDigest()
        bytes.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        return UInt64(digest.finalize(), radix: 16) ?? 0
    }

    /// Format 5's checksum: XXH64 of the first `count` bytes (four lanes side by side, several times faster).
    static func xxh64(_ bytes: [UInt8], count: Int) -> UInt64 {
        var digest = XXH64(seed: checksumSeed)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { digest.update(base, count) }
        }
        return digest.finalize()
    }

    /// The bucket blocks: only the index is read; each company keeps a slice of
    /// the file's bytes, decoded if and when the run needs its buckets. Where
    /// each record and block lies is kept for the next save (`StateImage`).
    private static func decodeIndexedBlocks(_ r: inout BinaryReader) throws(BinaryReader.Truncated)
        -> (buckets: [String: CompanyBuckets], records: [StateImage.Record], blocks: [StateImage.Block]) {
        var result: [String: CompanyBuckets] = [:]
        var records: [StateImage.Record] = []
        var blocks: [StateImage.Block] = []
        while true {
            let blockStart = r.offset
            let length = try r.fixed64()
            guard length <= UInt64(r.end - r.offset) else { throw BinaryReader.Truncated() }
            if length == 0 { break }
            var block = BinaryReader(r.bytes, offset: r.offset, end: r.offset + Int(length))
            r.offset += Int(length)
            let count = try block.varint()
            result.reserveCapacity(result.count + Int(min(count, 1_000_000)))
            records.reserveCapacity(records.count + Int(min(count, 1_000_000)))
            let firstRecord = records.count
            for _ in 0..<count {
                let recordStart = block.offset
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
                    records.append(StateImage.Record(id: id, bytes: recordStart..<end, rest: block.offset..<end, count: Int(n), first: first))
                }
                block.offset = end
            }
            guard block.offset == block.end else { throw BinaryReader.Truncated() }
            // A block with an empty company has no record for it: never copied whole.
            let whole = records.count - firstRecord == Int(count)
            blocks.append(StateImage.Block(records: firstRecord..<records.count, bytes: whole ? blockStart..<r.offset : nil))
        }
        guard r.offset == r.end else { throw BinaryReader.Truncated() }
        return (result, records, blocks)
    }
}

extension BinaryReader {
    /// A part written as its length, then its bytes: their range, stepped over.
    mutating func part() throws(Truncated) -> Range<Int> {
        let length = try fixed64()
        guard length <= UInt64(end - offset) else { throw Truncated() }
        let range = offset..<offset + Int(length)
        offset = range.upperBound
        return range
    }
}
