import Foundation

/// LEB128 varints with zigzag for signed values: the minute buckets compress
/// to a few bytes each because most counts are small.
package struct BinaryWriter {
    package var bytes: [UInt8] = []

    package init() {}

    package mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    package mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    package mutating func fixed64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8((value >> (8 * UInt64(i))) & 0xFF)) }
    }

    /// Its UTF-8 length, then its UTF-8, copied straight from the string (the
    /// tables part writes about 200,000 strings a save; an array each showed).
    package mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Overwrites 8 bytes at `offset` (a length written before its section was).
    package mutating func patchFixed64(_ value: UInt64, at offset: Int) {
        for i in 0..<8 { bytes[offset + i] = UInt8((value >> (8 * UInt64(i))) & 0xFF) }
    }

    /// Lets `body` write at most `maxBytes` through a raw cursor into `scratch`,
    /// without a capacity check per byte, then appends what it wrote; for the
    /// bulk of the bucket section.
    package mutating func writeRaw(maxBytes: Int, scratch: inout [UInt8], _ body: (inout RawCursor) -> Void) {
        if scratch.count < maxBytes { scratch = [UInt8](repeating: 0, count: maxBytes) }
        scratch.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var cursor = RawCursor(base: base, limit: maxBytes)
            body(&cursor)
            bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: cursor.offset))
        }
    }

    /// A write position in the scratch memory of `writeRaw`.
    package struct RawCursor {
        package let base: UnsafeMutablePointer<UInt8>
        package let limit: Int
        package var offset = 0

        /// At most 10 bytes.
        @inline(__always)
        package mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                precondition(offset < limit, "RawCursor overflow")
                base[offset] = UInt8(truncatingIfNeeded: v) | 0x80
                offset &+= 1
                v >>= 7
            }
            precondition(offset < limit, "RawCursor overflow")
            base[offset] = UInt8(truncatingIfNeeded: v)
            offset &+= 1
        }

        @inline(__always)
        package mutating func signed(_ value: Int64) {
            varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
        }
    }
}

extension BinaryWriter.RawCursor {
    /// A minute bucket as the state file stores it: its minute as the
    /// difference from `previous`, then its nine counts and sums.
    @inline(__always)
    package mutating func bucket(_ b: MinuteBucket, after previous: Int32) {
        signed(Int64(b.minute) - Int64(previous))
        bucketFields(b)
    }

    /// A bucket's nine counts and sums, without its minute.
    @inline(__always)
    package mutating func bucketFields(_ b: MinuteBucket) {
        signed(Int64(b.attempts)); signed(Int64(b.connected)); signed(Int64(b.nerSuccesses))
        signed(Int64(b.redirects)); signed(Int64(b.pddCount)); signed(b.talkSeconds)
        signed(b.pddMillisecondsSum); signed(b.customerCharge); signed(b.providerCharge)
    }
}

package struct BinaryReader {
    package struct Truncated: Error { package init() {} }
    package let bytes: [UInt8]
    package var offset: Int
    package let end: Int

    package init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
    }

    package mutating func varint() throws(Truncated) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end, shift < 64 else { throw Truncated() }
            let b = bytes[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    package mutating func signed() throws(Truncated) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    package mutating func int32() throws(Truncated) -> Int32 {
        let v = try signed()
        guard let i = Int32(exactly: v) else { throw Truncated() }
        return i
    }

    package mutating func fixed64() throws(Truncated) -> UInt64 {
        guard offset + 8 <= end else { throw Truncated() }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }

    package mutating func string() throws(Truncated) -> String {
        let n = try varint()
        guard n <= UInt64(end - offset) else { throw Truncated() }
        let s = String(decoding: bytes[offset..<offset + Int(n)], as: UTF8.self)
        offset += Int(n)
        return s
    }

    /// A string that is often the same as `candidate` (the previous row's alert
    /// title, a company's id after its key): then `candidate` itself, sharing its
    /// storage instead of allocating a copy.
    package mutating func string(reusing candidate: String) throws(Truncated) -> String {
        var reused = false
        return try string(reusing: candidate, reused: &reused)
    }

    /// `string(reusing:)`, saying whether `candidate` was given back.
    package mutating func string(reusing candidate: String, reused: inout Bool) throws(Truncated) -> String {
        let n = try varint()
        guard n <= UInt64(end - offset) else { throw Truncated() }
        let count = Int(n)
        var candidate = candidate
        let start = offset
        let same = candidate.withUTF8 { utf8 in
            utf8.count == count && (count == 0 || bytes.withUnsafeBufferPointer { file in
                guard let a = utf8.baseAddress, let b = file.baseAddress else { return false }
                return memcmp(a, b + start, count) == 0
            })
        }
        offset += count
        reused = same
        return same ? candidate : String(decoding: bytes[start..<start + count], as: UTF8.self)
    }

    /// Reads through a raw cursor over the same bytes (bounds still checked
    /// against `end`), then moves on past what it read; for the bucket section.
    package mutating func readRaw<T>(_ body: (inout RawCursor) throws(Truncated) -> T) throws(Truncated) -> T {
        let start = offset
        let end = self.end
        let (result, used) = try bytes.withUnsafeBufferPointer { (buffer) throws(Truncated) -> (T, Int) in
            guard let base = buffer.baseAddress else { throw Truncated() }
            var cursor = RawCursor(base: base, offset: start, end: end)
            let result = try body(&cursor)
            return (result, cursor.offset - start)
        }
        offset += used
        return result
    }

    package struct RawCursor {
        package let base: UnsafePointer<UInt8>
        package var offset: Int
        package let end: Int

        @inline(__always)
        package mutating func varint() throws(Truncated) -> UInt64 {
            guard offset < end else { throw Truncated() }
            let first = base[offset]
            offset &+= 1
            if first < 0x80 { return UInt64(first) }
            var result = UInt64(first & 0x7F)
            var shift: UInt64 = 7
            while true {
                guard offset < end, shift < 64 else { throw Truncated() }
                let b = base[offset]
                offset &+= 1
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift &+= 7
            }
        }

        @inline(__always)
        package mutating func signed() throws(Truncated) -> Int64 {
            let v = try varint()
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }

        @inline(__always)
        package mutating func int32() throws(Truncated) -> Int32 {
            guard let i = Int32(exactly: try signed()) else { throw Truncated() }
            return i
        }

        package mutating func string() throws(Truncated) -> String {
            let n = try varint()
            guard n <= UInt64(end - offset) else { throw Truncated() }
            let s = String(decoding: UnsafeBufferPointer(start: base + offset, count: Int(n)), as: UTF8.self)
            offset += Int(n)
            return s
        }
    }
}
