import Foundation

/// Turns the company ids of CDR rows into small indices without a String per
/// row: a byte-keyed hash table remembers every spelling met (`" C1"`, `C1`…)
/// and the company it stands for.
///
/// Only a spelling seen for the first time goes through `String`: it is
/// decoded, trimmed of Unicode whitespace and matched with `String` equality,
/// exactly as a `Set<String>` of ids would, so ids the snapshot spells
/// differently (canonically equivalent Unicode) still meet.
struct CompanyTable: Sendable {
    /// Company index → its id (trimmed, as first met).
    private(set) var ids: [String] = []
    /// Company index → whether calls may count for it: listed in the balance
    /// snapshot, or any company when there is no snapshot.
    private(set) var known: [Bool] = []
    private let everyoneKnown: Bool
    private var byID: [String: Int32] = [:]

    private struct Spelling {
        var hash: UInt64
        var start: Int32
        var length: Int32
        /// A company index, or -1 for a spelling that is empty once trimmed.
        var company: Int32
        /// A spelling of at most 16 bytes as `ShortKey` words, compared instead of its bytes.
        var key: ShortKey?
    }
    private var spellings: [Spelling] = []
    private var arena: [UInt8] = []
    /// Open addressing over `spellings`: the hash's high half beside the entry
    /// (+1; 0 is an empty slot), so that a probe that does not match costs no
    /// look at a spelling, which would miss the cache.
    private var slots: [UInt64]

    /// `known`: the snapshot's company ids, or nil when there is no snapshot.
    init(known: Set<String>?) {
        everyoneKnown = known == nil
        slots = Array(repeating: 0, count: 1 << 10)
        for id in known ?? [] {
            let company = newCompany(id, known: true)
            var utf8 = Array(id.utf8)
            utf8.withUnsafeMutableBufferPointer { buffer in
                let view = UnsafeBufferPointer(buffer)
                if find(view, hash: Self.hash(view)) == nil { remember(view, hash: Self.hash(view), company: company) }
            }
        }
    }

    var count: Int { ids.count }

    /// The company a field names; nil when the field is empty, only whitespace, or not UTF-8.
    @inline(__always)
    mutating func index(of field: CSVField) -> Int32? {
        let bytes = field.bytes
        let hash = Self.hash(bytes)
        let company = find(bytes, hash: hash) ?? learn(bytes, hash: hash)
        return company < 0 ? nil : company
    }

    /// The company an id read as text names (bucket exports parse their rows into Strings).
    mutating func index(ofID id: String) -> Int32? {
        var utf8 = Array(id.utf8)
        return utf8.withUnsafeMutableBufferPointer { index(of: CSVField(bytes: UnsafeBufferPointer($0))) }
    }

    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        let tag = hash >> 32
        let key = ShortKey(bytes)
        return slots.withUnsafeBufferPointer { slots in
            spellings.withUnsafeBufferPointer { spellings in
                while true {
                    let entry = slots[slot]
                    if entry == 0 { return nil }
                    if entry >> 32 == tag {
                        let s = spellings[Int(entry & 0xFFFF_FFFF) - 1]
                        if s.hash == hash, Int(s.length) == bytes.count {
                            if let key {
                                if s.key == key { return s.company }
                            } else if arena.withUnsafeBufferPointer({ Self.equal($0, at: Int(s.start), bytes) }) {
                                return s.company
                            }
                        }
                    }
                    slot = (slot &+ 1) & mask
                }
            }
        }
    }

    @inline(__always)
    private static func equal(_ arena: UnsafeBufferPointer<UInt8>, at start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty else { return true }
        guard let stored = arena.baseAddress, let given = bytes.baseAddress else { return false }
        return memcmp(stored + start, given, bytes.count) == 0
    }

    /// A spelling met for the first time: the slow, String-exact path.
    @inline(never)
    private mutating func learn(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32 {
        let id = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        let company: Int32
        // A spelling that is not UTF-8 names no company: decoding repairs it with U+FFFD,
        // which would make two different ids one company (the row says why it is rejected).
        if id.isEmpty || FieldParsing.isNotUTF8(CSVField(bytes: bytes)) {
            company = -1
        } else if let existing = byID[id] {
            company = existing
        } else {
            company = newCompany(id, known: everyoneKnown)
        }
        remember(bytes, hash: hash, company: company)
        return company
    }

    private mutating func newCompany(_ id: String, known isKnown: Bool) -> Int32 {
        if let existing = byID[id] { return existing }
        let company = Int32(ids.count)
        ids.append(id)
        known.append(isKnown)
        byID[id] = company
        return company
    }

    private mutating func remember(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64, company: Int32) {
        if (spellings.count + 1) * 2 > slots.count { grow() }
        let entry = Int32(spellings.count)
        spellings.append(Spelling(hash: hash, start: Int32(arena.count), length: Int32(bytes.count), company: company, key: ShortKey(bytes)))
        arena.append(contentsOf: bytes)
        place(entry, hash: hash)
    }

    private mutating func place(_ entry: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot &+ 1) & mask }
        slots[slot] = (hash >> 32) << 32 | UInt64(entry + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for (entry, spelling) in spellings.enumerated() { place(Int32(entry), hash: spelling.hash) }
    }

    /// A spelling of at most 16 bytes (nearly every company id) hashed from its
    /// `ShortKey` words with two multiplies; a longer one with FNV-1a. Both are
    /// finished with a multiply-xorshift so that the low bits (the slot) mix well.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64
        if let key = ShortKey(bytes) {
            h = (key.low &* 0x9E37_79B9_7F4A_7C15) ^ (key.high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(bytes.count)
        } else {
            h = 0xCBF2_9CE4_8422_2325
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        }
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}

/// The bytes of a spelling of at most 16 bytes as two words, read without
/// going past its end: the first and the last four (up to 8 bytes) or eight
/// (up to 16) bytes, which overlap, so that with the length every byte is in
/// them and two spellings of one length are equal exactly when their words are.
struct ShortKey: Equatable {
    var low: UInt64
    var high: UInt64

    @inline(__always)
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n <= 16 else { return nil }
        guard n > 0, let p = bytes.baseAddress else {
            low = 0
            high = 0
            return
        }
        let raw = UnsafeRawPointer(p)
        if n >= 8 {
            low = raw.loadUnaligned(as: UInt64.self)
            high = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            low = UInt64(raw.loadUnaligned(as: UInt32.self))
            high = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
        } else {
            low = 0
            for k in 0..<n { low |= UInt64(p[k]) << (8 * UInt64(k)) }
            high = 0
        }
    }
}
