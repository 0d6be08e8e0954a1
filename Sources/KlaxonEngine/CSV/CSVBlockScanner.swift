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
package struct CSVBlockScanner {
    /// The buffer offset of the classified block (a multiple of 64), or -1.
    private var block = -1
    private var bits: UInt64 = 0

    /// Forgets the classified block: the buffer's bytes moved or were replaced.
    package mutating func invalidate() { block = -1 }

    /// The record starting at `start`, its field spans written to `spans`
    /// (at most `capacity` fields): the offset after its line end and its
    /// field count; nil when the reader's scan must read it.
    /// Reads only `base[0..<limit]`.
    @inline(__always)
    package mutating func plainRecord(_ base: UnsafeMutablePointer<UInt8>, start: Int, limit: Int,
                              spans: UnsafeMutablePointer<Int32>, capacity: Int) -> (next: Int, count: Int)? {
        // A blank line or a record starting with CR: the reader's scan decides.
        guard start < limit, base[start] != 0x0A, base[start] != 0x0D else { return nil }
        var b = start & ~63
        if b != block {
            guard b &+ 64 <= limit else { return nil }
            classify(base, b)
        }
        // The candidates left to look at: one bit per byte of block `b`, from `start` on.
        var m = bits & (~UInt64(0) &<< UInt64(start &- b))
        var count = 0
        var fieldStart = start
        var quoted = base[start] == 0x22
        if quoted { fieldStart &+= 1 }
        while true {
            if quoted {
                // The next quote closes the field; its opening quote, a candidate
                // too, lies before `fieldStart`. A LF or NUL first: the scan's.
                var close: Int
                while true {
                    while m == 0 {
                        b &+= 64
                        guard b &+ 64 <= limit else { return nil }
                        classify(base, b)
                        m = bits
                    }
                    close = b &+ m.trailingZeroBitCount
                    m &= m &- 1
                    if close < fieldStart { continue }
                    let byte = base[close]
                    if byte == 0x22 { break }
                    if byte == 0x0A || byte == 0 { return nil }
                }
                // Only `,` or the line end may follow; `""`, text after the
                // quote or a lone CR are the scan's to collapse or report.
                let after = close &+ 1
                guard after < limit, count < capacity else { return nil }
                let byte = base[after]
                spans[2 &* count] = Int32(truncatingIfNeeded: fieldStart)
                spans[2 &* count &+ 1] = Int32(truncatingIfNeeded: close)
                count &+= 1
                if byte == 0x0A { return (after &+ 1, count) }
                if byte == 0x0D {
                    guard after &+ 1 < limit, base[after &+ 1] == 0x0A else { return nil }
                    return (after &+ 2, count)
                }
                guard byte == 0x2C else { return nil }
                // That comma is the next candidate: drop it.
                while m == 0 {
                    b &+= 64
                    guard b &+ 64 <= limit else { return nil }
                    classify(base, b)
                    m = bits
                }
                m &= m &- 1
                fieldStart = after &+ 1
                guard fieldStart < limit else { return nil }
                quoted = base[fieldStart] == 0x22
                if quoted { fieldStart &+= 1 }
                continue
            }
            while true {
                while m == 0 {
                    b &+= 64
                    guard b &+ 64 <= limit else { return nil }
                    classify(base, b)
                    m = bits
                }
                let c = b &+ m.trailingZeroBitCount
                m &= m &- 1
                let byte = base[c]
                if byte == 0x2C {
                    guard count < capacity, c &+ 1 < limit else { return nil }
                    spans[2 &* count] = Int32(truncatingIfNeeded: fieldStart)
                    spans[2 &* count &+ 1] = Int32(truncatingIfNeeded: c)
                    count &+= 1
                    fieldStart = c &+ 1
                    if base[fieldStart] == 0x22 {
                        quoted = true
                        fieldStart &+= 1
                        break
                    }
                } else if byte == 0x0A {
                    guard count < capacity else { return nil }
                    let end = c > fieldStart && base[c &- 1] == 0x0D ? c &- 1 : c
                    spans[2 &* count] = Int32(truncatingIfNeeded: fieldStart)
                    spans[2 &* count &+ 1] = Int32(truncatingIfNeeded: end)
                    return (c &+ 1, count &+ 1)
                } else if byte == 0 {
                    return nil
                }
                // Space, CR, `"` inside an unquoted field…: data.
            }
        }
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
    package static func below2D(_ v: SIMD16<UInt8>) -> UInt64 {
        let high = (v &- SIMD16(repeating: 0x2D)) & ~v & SIMD16(repeating: 0x80)
        let words = unsafeBitCast(high, to: SIMD2<UInt64>.self)
        return gather(words[0]) | gather(words[1]) << 8
    }

    /// The high bits of the eight bytes of `word` (all other bits clear) as 8 bits.
    @inline(__always)
    package static func gather(_ word: UInt64) -> UInt64 {
        (word &* 0x0002_0408_1020_4081) >> 56
    }
}
