import Foundation

/// The on-disk form of `KlaxonState`: a versioned header, the JSON part, the
/// bucket part and a checksum, so that a torn or edited file is recognised as
/// corrupt instead of being half-read.
enum StateFile {
    static let magic = Array("KLAXON-STATE\n".utf8)

    static func encode(_ state: KlaxonState) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let meta = try encoder.encode(state.meta)
        var w = BinaryWriter()
        w.bytes.append(contentsOf: magic)
        w.varint(UInt64(KlaxonState.formatVersion))
        w.fixed64(UInt64(meta.count))
        w.bytes.append(contentsOf: meta)
        let bucketStart = w.bytes.count
        w.fixed64(0)
        encodeBuckets(state.buckets, into: &w)
        let bucketLength = UInt64(w.bytes.count - bucketStart - 8)
        for i in 0..<8 { w.bytes[bucketStart + i] = UInt8((bucketLength >> (8 * UInt64(i))) & 0xFF) }
        w.fixed64(UInt64(checksum(w.bytes), radix: 16) ?? 0)
        return w.bytes
    }

    enum DecodeError: Error { case corrupt(String), newerVersion(Int) }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> KlaxonState {
        guard bytes.count >= magic.count + 8, Array(bytes[0..<magic.count]) == magic else {
            throw .corrupt("it does not start with the Klaxon state header")
        }
        var r = BinaryReader(bytes, offset: magic.count, end: bytes.count - 8)
        do {
            let version = Int(try r.varint())
            guard version <= KlaxonState.formatVersion else { throw DecodeError.newerVersion(version) }
            var tail = BinaryReader(bytes, offset: bytes.count - 8)
            let stored = try tail.fixed64()
            guard UInt64(checksum(Array(bytes[0..<(bytes.count - 8)])), radix: 16) == stored else {
                throw DecodeError.corrupt("its checksum does not match (a torn write or an edit)")
            }
            let metaLength = Int(try r.fixed64())
            guard metaLength >= 0, metaLength <= r.end - r.offset else { throw DecodeError.corrupt("truncated") }
            var state = KlaxonState()
            state.meta = try JSONDecoder().decode(StateMeta.self, from: Data(bytes[r.offset..<r.offset + metaLength]))
            r.offset += metaLength
            let bucketLength = Int(try r.fixed64())
            guard bucketLength == r.end - r.offset else { throw DecodeError.corrupt("bucket section length is wrong") }
            state.buckets = try decodeBuckets(&r)
            return state
        } catch let error as DecodeError {
            throw error
        } catch is BinaryReader.Truncated {
            throw .corrupt("truncated")
        } catch {
            throw .corrupt("unreadable (\(error))")
        }
    }

    private static func checksum(_ bytes: [UInt8]) -> String { ContentDigest.of(bytes) }

    private static func encodeBuckets(_ buckets: [String: CompanyBuckets], into w: inout BinaryWriter) {
        let ids = buckets.keys.sorted()
        w.varint(UInt64(ids.count))
        for id in ids {
            let list = buckets[id]?.buckets ?? []
            w.string(id)
            w.varint(UInt64(list.count))
            var previous: Int32 = 0
            for b in list {
                w.signed(Int64(b.minute) - Int64(previous))
                previous = b.minute
                w.signed(Int64(b.attempts)); w.signed(Int64(b.connected)); w.signed(Int64(b.nerSuccesses))
                w.signed(Int64(b.redirects)); w.signed(Int64(b.pddCount)); w.signed(b.talkSeconds)
                w.signed(b.pddMillisecondsSum); w.signed(b.customerCharge); w.signed(b.providerCharge)
            }
        }
    }

    private static func decodeBuckets(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: CompanyBuckets] {
        let count = try r.varint()
        var result: [String: CompanyBuckets] = [:]
        result.reserveCapacity(Int(min(count, 1_000_000)))
        for _ in 0..<count {
            let id = try r.string()
            let n = try r.varint()
            guard n <= UInt64(r.end - r.offset) else { throw BinaryReader.Truncated() }
            var list: [MinuteBucket] = []
            list.reserveCapacity(Int(n))
            var minute: Int64 = 0
            for _ in 0..<n {
                minute += try r.signed()
                guard let m = Int32(exactly: minute) else { throw BinaryReader.Truncated() }
                var b = MinuteBucket(minute: m)
                b.attempts = try r.int32(); b.connected = try r.int32(); b.nerSuccesses = try r.int32()
                b.redirects = try r.int32(); b.pddCount = try r.int32(); b.talkSeconds = try r.signed()
                b.pddMillisecondsSum = try r.signed(); b.customerCharge = try r.signed(); b.providerCharge = try r.signed()
                list.append(b)
            }
            result[id] = CompanyBuckets(buckets: list)
        }
        return result
    }
}
