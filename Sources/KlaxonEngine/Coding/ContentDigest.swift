/// A fast 64-bit digest for telling files (and the state's own bytes) apart.
/// It guards against accidents — a re-exported file, a torn write — not
/// against an attacker, so it trades cryptographic strength for speed.
public struct ContentDigest: Sendable {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var length: UInt64 = 0
    private var pending: [UInt8] = []

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        length &+= UInt64(bytes.count)
        if !pending.isEmpty {
            while pending.count < 8, index < bytes.count { pending.append(bytes[index]); index += 1 }
            if pending.count == 8 {
                var word: UInt64 = 0
                for (i, b) in pending.enumerated() { word |= UInt64(b) << (8 * UInt64(i)) }
                mix(word)
                pending.removeAll(keepingCapacity: true)
            }
        }
        while index + 8 <= bytes.count {
            mix(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            index += 8
        }
        while index < bytes.count { pending.append(bytes[index]); index += 1 }
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    private mutating func mix(_ word: UInt64) {
        state = (state ^ (word &* 0xC2B2_AE3D_27D4_EB4F)).rotatedLeft(31) &* 0x9E37_79B9_7F4A_7C15 &+ 0x1656_67B1_9E37_79F9
    }

    /// The digest as 16 hex digits.
    public func finalize() -> String {
        var copy = self
        var tail: UInt64 = 0
        for (i, b) in pending.enumerated() { tail |= UInt64(b) << (8 * UInt64(i)) }
        copy.mix(tail ^ (copy.length << 3))
        var h = copy.state
        h ^= h >> 33; h &*= 0xFF51_AFD7_ED55_8CCD; h ^= h >> 33; h &*= 0xC4CE_B9FE_1A85_EC53; h ^= h >> 33
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public static func of(_ bytes: [UInt8]) -> String {
        var d = ContentDigest()
        d.update(bytes)
        return d.finalize()
    }
}

extension UInt64 {
    package func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}

/// The ledger's digest of a file's content (format `b1`), built so that the
/// threads that read a file in byte ranges can compute it over the bytes they
/// already hold, instead of a third thread reading the file again.
///
/// The file is cut into blocks of `blockSize` bytes by absolute offset (the
/// last one may be short); each block is hashed on its own with XXH64 (seed
/// 0), four independent lanes per 32-byte stripe. The digest is `"b1:"` and
/// 16 hex digits of XXH64 (seed `formatSeed`) over the block hashes in order
/// (8 bytes each, little-endian) followed by the file length (8 bytes,
/// little-endian). An empty file has no block: only the length is hashed.
///
/// A `BlockDigest` value covers one piece of the file, `start..<end`, with
/// `start` on a block boundary; `finalize` joins pieces that tile the file.
/// The ledger's older entries hold `ContentDigest` (16 hex digits, no prefix);
/// `FileLedger` compares a file against those with that digest.
public struct BlockDigest: Sendable {
    public static let blockSize = 1 << 20
    public static let prefix = "b1:"
    package static let formatSeed: UInt64 = 0x6231_6469_6765_7374  // "b1digest"

    /// File offset of the first byte this piece covers (a block boundary).
    public let start: Int
    /// File offset just past the last byte fed.
    public private(set) var end: Int
    /// False once bytes were fed at another offset than `end`: the piece has a hole.
    public private(set) var isContiguous = true
    private var blocks: [UInt64] = []
    private var block = XXH64(seed: 0)
    private var inBlock = 0

    public init(start: Int = 0) {
        precondition(start >= 0 && start % Self.blockSize == 0, "a digest piece starts on a block boundary")
        self.start = start
        end = start
    }

    /// The block boundary at or before `offset`.
    public static func blockStart(atOrBefore offset: Int) -> Int { offset - offset % blockSize }

    /// Feeds bytes that follow those fed so far.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        update(bytes, at: end)
    }

    /// Feeds bytes found at file offset `offset`, which must be `end`; else the piece is marked as having a hole.
    public mutating func update(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        guard offset == end, isContiguous else {
            isContiguous = false
            return
        }
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        end += left
        while left > 0 {
            let take = min(left, Self.blockSize - inBlock)
            block.update(p, take)
            inBlock += take
            p += take
            left -= take
            if inBlock == Self.blockSize {
                blocks.append(block.finalize())
                block = XXH64(seed: 0)
                inBlock = 0
            }
        }
    }

    /// The digest of a file of `length` bytes read as these consecutive pieces;
    /// nil unless they tile `0..<length` exactly (each but the last ending on a block boundary).
    public static func finalize(_ pieces: [BlockDigest], length: Int) -> String? {
        var offset = 0
        var total = XXH64(seed: formatSeed)
        for (i, piece) in pieces.enumerated() {
            guard piece.isContiguous, piece.start == offset, i == pieces.count - 1 || piece.inBlock == 0 else { return nil }
            for h in piece.blocks { total.update(word: h) }
            if piece.inBlock > 0 { total.update(word: piece.block.finalize()) }
            offset = piece.end
        }
        guard offset == length else { return nil }
        total.update(word: UInt64(length))
        let hex = String(total.finalize(), radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The digest of the bytes fed, taken as a whole file from offset 0.
    public func finalize() -> String? { Self.finalize([self], length: end) }

    public static func of(_ bytes: [UInt8]) -> String {
        var d = BlockDigest()
        bytes.withUnsafeBytes { d.update($0) }
        return d.finalize()!
    }
}

/// XXH64 (xxHash, 64-bit), streaming: four lanes, each a multiply-rotate chain
/// over one 8-byte word of every 32-byte stripe, so they run side by side.
package struct XXH64: Sendable {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var v1, v2, v3, v4: UInt64
    private var length: UInt64 = 0
    /// Bytes of an incomplete stripe.
    private var stripe: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var buffered = 0

    package init(seed: UInt64) {
        self.seed = seed
        v1 = seed &+ Self.p1 &+ Self.p2
        v2 = seed &+ Self.p2
        v3 = seed
        v4 = seed &- Self.p1
    }

    @inline(__always)
    private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        (acc &+ input &* p2).rotatedLeft(31) &* p1
    }

    @inline(__always)
    private static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }

    package mutating func update(word: UInt64) {
        var w = word.littleEndian
        withUnsafeBytes(of: &w) { update($0.baseAddress!, 8) }
    }

    package mutating func update(_ start: UnsafeRawPointer, _ count: Int) {
        var p = start
        var n = count
        length &+= UInt64(n)
        if buffered > 0 {
            let take = min(32 - buffered, n)
            let at = buffered
            withUnsafeMutableBytes(of: &stripe) { $0.baseAddress!.advanced(by: at).copyMemory(from: p, byteCount: take) }
            buffered += take
            p += take
            n -= take
            guard buffered == 32 else { return }
            var full = stripe
            withUnsafeBytes(of: &full) { consume($0.baseAddress!, 32) }
            buffered = 0
        }
        let whole = n & ~31
        if whole > 0 {
            consume(p, whole)
            p += whole
            n -= whole
        }
        if n > 0 {
            withUnsafeMutableBytes(of: &stripe) { $0.baseAddress!.copyMemory(from: p, byteCount: n) }
            buffered = n
        }
    }

    /// Whole stripes: `count` is a multiple of 32.
    @inline(__always)
    private mutating func consume(_ p: UnsafeRawPointer, _ count: Int) {
        var a = v1, b = v2, c = v3, d = v4
        var i = 0
        while i < count {
            a = Self.round(a, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self)))
            i &+= 32
        }
        v1 = a; v2 = b; v3 = c; v4 = d
    }

    package func finalize() -> UInt64 {
        var h: UInt64
        if length >= 32 {
            h = v1.rotatedLeft(1) &+ v2.rotatedLeft(7) &+ v3.rotatedLeft(12) &+ v4.rotatedLeft(18)
            h = Self.merge(h, v1)
            h = Self.merge(h, v2)
            h = Self.merge(h, v3)
            h = Self.merge(h, v4)
        } else {
            h = seed &+ Self.p5
        }
        h &+= length
        var tail = stripe
        let n = buffered
        withUnsafeBytes(of: &tail) { raw in
            var i = 0
            while i + 8 <= n {
                h ^= Self.round(0, UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = h.rotatedLeft(27) &* Self.p1 &+ Self.p4
                i += 8
            }
            if i + 4 <= n {
                h ^= UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.p1
                h = h.rotatedLeft(23) &* Self.p2 &+ Self.p3
                i += 4
            }
            while i < n {
                h ^= UInt64(raw[i]) &* Self.p5
                h = h.rotatedLeft(11) &* Self.p1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.p2
        h ^= h >> 29
        h &*= Self.p3
        h ^= h >> 32
        return h
    }
}
