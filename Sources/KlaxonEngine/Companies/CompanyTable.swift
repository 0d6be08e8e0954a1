import Foundation

/// Turns the company ids of CDR rows into small indices without a String per
/// row: a byte-keyed hash table remembers every spelling met (`" C1"`, `C1`…)
/// and the company it stands for.
///
/// Only a spelling seen for the first time goes through `String`: it is
/// decoded, trimmed of Unicode whitespace and matched with `String` equality,
/// exactly as a `Set<String>` of ids would, so ids the snapshot spells
/// differently (canonically equivalent Unicode) still meet.
package struct CompanyTable: Sendable {
    /// Company index → its id (trimmed, as first met).
    package private(set) var ids: [String] = []
    /// Company index → whether calls may count for it: listed in the balance
    /// snapshot, or any company when there is no snapshot.
    package private(set) var known: [Bool] = []
    private let everyoneKnown: Bool
    private var byID: [String: Int32] = [:]

    private struct Spelling {
        package var hash: UInt64
        package var start: Int32
        package var length: Int32
        /// A company index, or -1 for a spelling that is empty once trimmed.
        package var company: Int32
        /// A spelling of at most 16 bytes as `ShortKey` words, compared instead of its bytes.
        package var key: ShortKey?
    }
    private var spellings: [Spelling] = []
    private var arena: [UInt8] = []
    /// Open addressing, 16 bytes a slot. A spelling of at most 8 bytes (nearly
    /// every id) is held in its slot whole, with its company, so that finding
    /// it is one look at memory: with 10,000 customers the table does not stay
    /// in the cache, and a second look, at `spellings`, missed it too. A longer
    /// one's slot holds its hash and its entry in `spellings`.
    private var slots: [Slot]

    private struct Slot {
        /// `packed` bytes of a short spelling, or a long one's hash.
        package var word: UInt64 = 0
        /// Bit 63: in use; bits 32–39: the length, or 0xFF for a long spelling;
        /// bits 0–31: the company (short) or the entry in `spellings` (long).
        package var meta: UInt64 = 0

        package static let inUse: UInt64 = 1 << 63
        package static let long: UInt64 = 0xFF

        package init() {}

        package init(word: UInt64, length: UInt64, payload: Int32) {
            self.word = word
            meta = Self.inUse | length << 32 | UInt64(UInt32(bitPattern: payload))
        }

        package var payload: Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: meta)) }
    }

    /// `known`: the snapshot's company ids, or nil when there is no snapshot.
    package init(known: Set<String>?) {
        everyoneKnown = known == nil
        slots = Array(repeating: Slot(), count: 1 << 10)
        for id in known ?? [] {
            let company = newCompany(id, known: true)
            var utf8 = Array(id.utf8)
            utf8.withUnsafeMutableBufferPointer { buffer in
                let view = UnsafeBufferPointer(buffer)
                if find(view, hash: Self.hash(view)) == nil { remember(view, hash: Self.hash(view), company: company) }
            }
        }
    }

    package var count: Int { ids.count }

    /// The company a field names; nil when the field is empty, only whitespace, or not UTF-8.
    @inline(__always)
    package mutating func index(of field: CSVField) -> Int32? {
        let bytes = field.bytes
        let hash = Self.hash(bytes)
        let company = find(bytes, hash: hash) ?? learn(bytes, hash: hash)
        return company < 0 ? nil : company
    }

    /// The company an id read as text names (bucket exports parse their rows into Strings).
    package mutating func index(ofID id: String) -> Int32? {
        var utf8 = Array(id.utf8)
        return utf8.withUnsafeMutableBufferPointer { index(of: CSVField(bytes: UnsafeBufferPointer($0))) }
    }

    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        let n = bytes.count
        return slots.withUnsafeBufferPointer { slots in
            if n <= 8 {
                let word = Self.packed(bytes)
                let meta = Slot.inUse | UInt64(n) << 32
                while true {
                    let s = slots[slot]
                    if s.meta == 0 { return nil }
                    if s.word == word && s.meta & ~0xFFFF_FFFF == meta { return s.payload }
                    slot = (slot &+ 1) & mask
                }
            }
            let key = ShortKey(bytes)
            let meta = Slot.inUse | Slot.long << 32
            while true {
                let s = slots[slot]
                if s.meta == 0 { return nil }
                if s.word == hash && s.meta & ~0xFFFF_FFFF == meta {
                    let spelling = spellings[Int(s.payload)]
                    if Int(spelling.length) == n {
                        if let key {
                            if spelling.key == key { return spelling.company }
                        } else if arena.withUnsafeBufferPointer({ Self.equal($0, at: Int(spelling.start), bytes) }) {
                            return spelling.company
                        }
                    }
                }
                slot = (slot &+ 1) & mask
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
        if id.isEmpty || UTF8Check.isNotUTF8(CSVField(bytes: bytes)) {
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
        // At most 70% full, so that probes stay short.
        if (spellings.count + 1) * 10 > slots.count * 7 { grow() }
        let entry = Int32(spellings.count)
        spellings.append(Spelling(hash: hash, start: Int32(arena.count), length: Int32(bytes.count), company: company, key: ShortKey(bytes)))
        arena.append(contentsOf: bytes)
        place(entry, bytes: bytes)
    }

    private mutating func place(_ entry: Int32, bytes: UnsafeBufferPointer<UInt8>) {
        let spelling = spellings[Int(entry)]
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: spelling.hash) & mask
        while slots[slot].meta != 0 { slot = (slot &+ 1) & mask }
        slots[slot] = bytes.count <= 8
            ? Slot(word: Self.packed(bytes), length: UInt64(bytes.count), payload: spelling.company)
            : Slot(word: spelling.hash, length: Slot.long, payload: entry)
    }

    private mutating func grow() {
        slots = Array(repeating: Slot(), count: slots.count * 2)
        let arena = self.arena
        arena.withUnsafeBufferPointer { arena in
            for entry in spellings.indices {
                let spelling = spellings[entry]
                let bytes = UnsafeBufferPointer(rebasing: arena[Int(spelling.start)..<Int(spelling.start + spelling.length)])
                place(Int32(entry), bytes: bytes)
            }
        }
    }

    /// The bytes of a spelling of at most 8 bytes as one word: the first and
    /// the last four bytes, which overlap below 8 (with the length, still every
    /// byte), or the bytes themselves below 4.
    @inline(__always)
    package static func packed(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        guard let p = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(p)
        if n >= 4 {
            return UInt64(raw.loadUnaligned(as: UInt32.self)) | UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        }
        var word: UInt64 = 0
        for k in 0..<n { word |= UInt64(p[k]) << (8 * UInt64(k)) }
        return word
    }

    /// A spelling of at most 16 bytes (nearly every company id) hashed from its
    /// `ShortKey` words with two multiplies; a longer one with FNV-1a. Both are
    /// finished with a multiply-xorshift so that the low bits (the slot) mix well.
    @inline(__always)
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64
        if bytes.count <= 8 {
            h = (packed(bytes) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(bytes.count)
        } else if let key = ShortKey(bytes) {
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
package struct ShortKey: Equatable {
    package var low: UInt64
    package var high: UInt64

    @inline(__always)
    package init?(_ bytes: UnsafeBufferPointer<UInt8>) {
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
