/// ClickHouse's `cityHash64` of one String: CityHash v1.0.2's CityHash64, which
/// ClickHouse keeps frozen (later CityHash releases hash differently). A shard
/// decides in Swift which companies of the balance snapshot are its own, and the
/// pull's SQL decides the same for the CDRs: the two must agree on every id.
/// Little-endian loads, as on the x86-64 and arm64 servers ClickHouse runs on.
enum CityHash64 {
    private static let k0: UInt64 = 0xc3a5_c85c_97cb_3127
    private static let k1: UInt64 = 0xb492_b66f_be98_f273
    private static let k2: UInt64 = 0x9ae1_6a3b_2f90_404f
    private static let k3: UInt64 = 0xc949_d7c7_509e_6557

    static func hash(_ text: String) -> UInt64 { hash(Array(text.utf8)) }

    static func hash(_ s: [UInt8]) -> UInt64 {
        let len = s.count
        if len <= 16 { return len0to16(s, 0, len) }
        if len <= 32 { return len17to32(s, len) }
        if len <= 64 { return len33to64(s, len) }
        var x = fetch64(s, 0)
        var y = fetch64(s, len - 16) ^ k1
        var z = fetch64(s, len - 56) ^ k0
        var v = weak32(s, len - 64, UInt64(len), y)
        var w = weak32(s, len - 32, UInt64(len) &* k1, k0)
        z = z &+ shiftMix(v.1) &* k1
        x = rotate(z &+ x, 39) &* k1
        y = rotate(y, 33) &* k1
        // Whole 64-byte chunks from the start; the tail was taken above.
        var p = 0
        var left = (len - 1) & ~63
        repeat {
            x = rotate(x &+ y &+ v.0 &+ fetch64(s, p + 16), 37) &* k1
            y = rotate(y &+ v.1 &+ fetch64(s, p + 48), 42) &* k1
            x ^= w.1
            y ^= v.0
            z = rotate(z ^ w.0, 33)
            v = weak32(s, p, v.1 &* k1, x &+ w.0)
            w = weak32(s, p + 32, z &+ w.1, y)
            swap(&z, &x)
            p += 64
            left -= 64
        } while left != 0
        return len16(len16(v.0, w.0) &+ shiftMix(y) &* k1 &+ z, len16(v.1, w.1) &+ x)
    }

    private static func fetch64(_ s: [UInt8], _ i: Int) -> UInt64 {
        var r: UInt64 = 0
        for k in (0..<8).reversed() { r = r << 8 | UInt64(s[i + k]) }
        return r
    }

    private static func fetch32(_ s: [UInt8], _ i: Int) -> UInt64 {
        var r: UInt64 = 0
        for k in (0..<4).reversed() { r = r << 8 | UInt64(s[i + k]) }
        return r
    }

    private static func rotate(_ v: UInt64, _ shift: UInt64) -> UInt64 {
        shift == 0 ? v : (v >> shift) | (v << (64 - shift))
    }

    private static func shiftMix(_ v: UInt64) -> UInt64 { v ^ (v >> 47) }

    /// CityHash's Hash128to64.
    private static func len16(_ u: UInt64, _ v: UInt64) -> UInt64 {
        let mul: UInt64 = 0x9ddf_ea08_eb38_2d69
        var a = (u ^ v) &* mul
        a ^= a >> 47
        var b = (v ^ a) &* mul
        b ^= b >> 47
        return b &* mul
    }

    private static func len0to16(_ s: [UInt8], _ start: Int, _ len: Int) -> UInt64 {
        let n = UInt64(len)
        if len > 8 {
            let a = fetch64(s, start), b = fetch64(s, start + len - 8)
            return len16(a, rotate(b &+ n, n)) ^ b
        }
        if len >= 4 {
            let a = fetch32(s, start)
            return len16(n &+ (a << 3), fetch32(s, start + len - 4))
        }
        if len > 0 {
            let a = UInt32(s[start]), b = UInt32(s[start + (len >> 1)]), c = UInt32(s[start + len - 1])
            let y = a &+ (b << 8)
            let z = UInt32(len) &+ (c << 2)
            return shiftMix(UInt64(y) &* k2 ^ UInt64(z) &* k3) &* k2
        }
        return k2
    }

    private static func len17to32(_ s: [UInt8], _ len: Int) -> UInt64 {
        let a = fetch64(s, 0) &* k1, b = fetch64(s, 8)
        let c = fetch64(s, len - 8) &* k2, d = fetch64(s, len - 16) &* k0
        return len16(rotate(a &- b, 43) &+ rotate(c, 30) &+ d, a &+ rotate(b ^ k3, 20) &- c &+ UInt64(len))
    }

    private static func weak32(_ w: UInt64, _ x: UInt64, _ y: UInt64, _ z: UInt64, _ a0: UInt64, _ b0: UInt64) -> (UInt64, UInt64) {
        var a = a0 &+ w
        var b = rotate(b0 &+ a &+ z, 21)
        let c = a
        a = a &+ x
        a = a &+ y
        b = b &+ rotate(a, 44)
        return (a &+ z, b &+ c)
    }

    private static func weak32(_ s: [UInt8], _ i: Int, _ a: UInt64, _ b: UInt64) -> (UInt64, UInt64) {
        weak32(fetch64(s, i), fetch64(s, i + 8), fetch64(s, i + 16), fetch64(s, i + 24), a, b)
    }

    private static func len33to64(_ s: [UInt8], _ len: Int) -> UInt64 {
        var z = fetch64(s, 24)
        var a = fetch64(s, 0) &+ (UInt64(len) &+ fetch64(s, len - 16)) &* k0
        var b = rotate(a &+ z, 52)
        var c = rotate(a, 37)
        a = a &+ fetch64(s, 8)
        c = c &+ rotate(a, 7)
        a = a &+ fetch64(s, 16)
        let vf = a &+ z
        let vs = b &+ rotate(a, 31) &+ c
        a = fetch64(s, 16) &+ fetch64(s, len - 32)
        z = fetch64(s, len - 8)
        b = rotate(a &+ z, 52)
        c = rotate(a, 37)
        a = a &+ fetch64(s, len - 24)
        c = c &+ rotate(a, 7)
        a = a &+ fetch64(s, len - 16)
        let wf = a &+ z
        let ws = b &+ rotate(a, 31) &+ c
        let r = shiftMix((vf &+ ws) &* k2 &+ (wf &+ vs) &* k0)
        return shiftMix(r &* k0 &+ vs) &* k2
    }
}
