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
    func rotatedLeft(_ n: UInt64) -> UInt64 { (self << n) | (self >> (64 - n)) }
}
