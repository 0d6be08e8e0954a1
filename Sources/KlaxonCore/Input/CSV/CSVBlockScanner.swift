/// The reader's fast path: whole records that need no state machine, found
/// 64 bytes at a time with SIMD.
///
/// Each 64-byte block of the read buffer is classified once, 16 bytes per
/// SIMD operation, into one bit per byte: set for a byte below `-` (0x2D),
/// which covers every byte the CSV grammar cares about (NUL, LF, CR, `"`,
/// `,`) and few data bytes (space, `+`, `*`…). A record is then a walk over
/// the set bits (`trailingZeroBitCount`), looking only at those bytes.
///
/// `plainRecord` takes a record only when the byte-by-byte scan would read
/// it the same way and find nothing wrong: it ends with LF (or CRLF) within
/// the bytes given, and its quoted fields hold no `""`, LF or NUL and are
/// followed by `,` or the line end. Anything else (blank lines, a NUL, an
/// unterminated or over-long record, the tail of the buffer) returns nil and
/// the reader's scan reads the record from its start, as it always did.
struct CSVBlockScanner {
    /// The buffer offset of the classified block (a multiple of 64), or -1.
    private var block = -1
    private var bits: UInt64 = 0

    /// Forgets the classified block: the buffer's bytes moved or were replaced.
    mutating func invalidate() { block = -1 }

    /// The record starting at `start`, its field spans written to `spans`
    /// (at most `capacity` fields): the offset after its line end and its
    /// field count; nil when the reader's scan must read it.
    /// Reads only `base[0..<limit]`.
    @inline(__always)
    mutating func plainRecord(_ base: UnsafeMutablePointer<UInt8>, start: Int, limit: Int,
                              spans: UnsafeMutablePointer<Int32>, capacity: Int) -> (next: Int, count: Int)? {
        var field = start
        var count = 0
        // A blank line or a record starting with CR: the reader's scan decides.
        guard start < limit, base[start] != 0x0A, base[start] != 0x0D else { return nil }
        while count < capacity {
            if base[field] == 0x22 {
                // Quoted: the next quote closes it, unless a LF or NUL comes first.
                var at = field &+ 1
                var close = -1
                while let c = nextCandidate(base, from: at, limit: limit) {
                    let b = base[c]
                    if b == 0x22 { close = c; break }
                    if b == 0x0A || b == 0 { return nil }
                    at = c &+ 1
                }
                guard close >= 0, close &+ 1 < limit else { return nil }
                let after = base[close &+ 1]
                spans[2 &* count] = Int32(truncatingIfNeeded: field &+ 1)
                spans[2 &* count &+ 1] = Int32(truncatingIfNeeded: close)
                count &+= 1
                if after == 0x2C {
                    field = close &+ 2
                    guard field < limit else { return nil }
                    continue
                }
                if after == 0x0A { return (close &+ 2, count) }
                if after == 0x0D, close &+ 2 < limit, base[close &+ 2] == 0x0A { return (close &+ 3, count) }
                return nil  // `""`, text after the closing quote, or a lone CR: the scan reports or keeps it
            }
            var at = field
            while true {
                guard let c = nextCandidate(base, from: at, limit: limit) else { return nil }
                let b = base[c]
                if b == 0x2C {
                    spans[2 &* count] = Int32(truncatingIfNeeded: field)
                    spans[2 &* count &+ 1] = Int32(truncatingIfNeeded: c)
                    count &+= 1
                    field = c &+ 1
                    guard field < limit else { return nil }
                    break
                }
                if b == 0x0A {
                    let end = c > field && base[c &- 1] == 0x0D ? c &- 1 : c
                    spans[2 &* count] = Int32(truncatingIfNeeded: field)
                    spans[2 &* count &+ 1] = Int32(truncatingIfNeeded: end)
                    return (c &+ 1, count &+ 1)
                }
                if b == 0 { return nil }
                at = c &+ 1  // space, CR, `"` inside an unquoted field…: data
            }
        }
        return nil
    }

    /// The first offset at or after `from` whose byte is below 0x2D, within
    /// whole blocks before `limit`; nil when there is none there.
    @inline(__always)
    private mutating func nextCandidate(_ base: UnsafeMutablePointer<UInt8>, from: Int, limit: Int) -> Int? {
        var b = from & ~63
        if b != block {
            guard b &+ 64 <= limit else { return nil }
            classify(base, b)
        }
        var m = bits & (~UInt64(0) &<< UInt64(from &- b))
        while m == 0 {
            b &+= 64
            guard b &+ 64 <= limit else { return nil }
            classify(base, b)
            m = bits
        }
        return b &+ m.trailingZeroBitCount
    }

    @inline(__always)
    private mutating func classify(_ base: UnsafeMutablePointer<UInt8>, _ at: Int) {
        let raw = UnsafeRawPointer(base + at)
        bits = Self.below2D(raw.loadUnaligned(as: SIMD16<UInt8>.self))
            | Self.below2D(raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)) << 16
            | Self.below2D(raw.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self)) << 32
            | Self.below2D(raw.loadUnaligned(fromByteOffset: 48, as: SIMD16<UInt8>.self)) << 48
        block = at
    }

    /// Bit k set when byte k is below 0x2D. Per lane, `(x - 0x2D) & ~x` has its
    /// high bit set exactly then (the subtraction wraps below 0x2D; `~x` drops
    /// bytes from 0x80). The standard library's `.<` on SIMD types compiles
    /// to a loop over lanes, these operations to one SSE2 instruction each;
    /// the sixteen high bits are then gathered with two multiplies.
    @inline(__always)
    static func below2D(_ v: SIMD16<UInt8>) -> UInt64 {
        let high = (v &- SIMD16(repeating: 0x2D)) & ~v & SIMD16(repeating: 0x80)
        let words = unsafeBitCast(high, to: SIMD2<UInt64>.self)
        return gather(words[0]) | gather(words[1]) << 8
    }

    /// The high bits of the eight bytes of `word` (all other bits clear) as 8 bits.
    @inline(__always)
    static func gather(_ word: UInt64) -> UInt64 {
        (word &* 0x0002_0408_1020_4081) >> 56
    }
}
