import Foundation

/// The job's numbering plan (`destinations.file`): prefixes mapped to
/// destination names, each name in at most one group. A called number belongs
/// to the destination of its longest matching prefix, `other` when none does.
public struct DestinationTable: Sendable {
    /// The file it was read from, for messages.
    public var file: String
    /// Destination names, in first-seen order; an index into this is a destination.
    public private(set) var names: [String] = []
    /// Destination index → its group, if the file gave one.
    public private(set) var groups: [String?] = []
    /// Prefix key (`Self.key`) → destination index.
    private var prefixes: [UInt64: Int32] = [:]
    private var nameIndex: [String: Int32] = [:]
    /// The longest prefix, in digits: no lookup is made past it.
    private(set) var longestPrefix = 0
    public static let other = "other"
    /// A prefix longer than this could not be keyed in 64 bits with its sentinel digit.
    static let maxPrefixDigits = 18

    init(file: String) { self.file = file }

    public var prefixCount: Int { prefixes.count }

    /// Adds one row; the message says what is wrong with it otherwise.
    mutating func add(prefix text: String, name: String, group: String?) -> String? {
        let digits = Self.normalised(Array(text.utf8))
        guard !digits.isEmpty, digits.count == Self.strippedCount(text) else {
            return "prefix \"\(text)\" is not a number (digits, optionally after + or 00)"
        }
        guard digits.count <= Self.maxPrefixDigits else { return "prefix \"\(text)\" is longer than \(Self.maxPrefixDigits) digits" }
        guard !name.isEmpty else { return "the destination name is empty" }
        guard name != Self.other else { return "\"other\" is the name of every unmatched number; name the destination differently" }
        let key = Self.key(digits[...])
        if let existing = prefixes[key] { return "prefix \(String(decoding: digits, as: UTF8.self)) is listed twice (first as \(names[Int(existing)]))" }
        let index: Int32
        if let known = nameIndex[name] {
            index = known
            if groups[Int(known)] != group {
                return "destination \"\(name)\" is in group \"\(groups[Int(known)] ?? "")\" on an earlier row and \"\(group ?? "")\" here; a destination is in one group"
            }
        } else {
            index = Int32(names.count)
            names.append(name)
            groups.append(group)
            nameIndex[name] = index
        }
        prefixes[key] = index
        longestPrefix = max(longestPrefix, digits.count)
        return nil
    }

    public func index(of name: String) -> Int32? { nameIndex[name] }

    /// The name of a table index (`DestinationIndex.other`, or no table: "other").
    static func name(of index: Int32, in table: DestinationTable?) -> String {
        index == DestinationIndex.other ? other : table.map { $0.names[Int(index)] } ?? other
    }

    /// The prefixes (digits, without `+`/`00`) of these destinations, for a pull's WHERE.
    func prefixDigits(of destinations: Set<Int32>) -> [String] {
        prefixes.filter { destinations.contains($0.value) }.map { String(String($0.key).dropFirst()) }.sorted()
    }

    /// The destination index of a called number; nil is `other`.
    @inline(__always)
    func match(_ number: UnsafeBufferPointer<UInt8>) -> Int32? {
        let start = numberStart(number)
        var key: UInt64 = 1
        var found: Int32?
        var i = start
        while i < number.count, i - start < longestPrefix {
            let d = number[i] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            key = key &* 10 &+ UInt64(d)
            if let hit = prefixes[key] { found = hit }
            i += 1
        }
        return found
    }

    /// Digits of a number with its `+` or leading `00` dropped, up to the first non-digit.
    static func normalised(_ bytes: [UInt8]) -> [UInt8] {
        var rest = bytes[...]
        if rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        else if rest.starts(with: [0x30, 0x30]) { rest = rest.dropFirst(2) }
        return Array(rest.prefix { $0 >= 0x30 && $0 <= 0x39 })
    }

    /// How many characters a prefix has once its `+`/`00` is dropped: all of them must be digits.
    private static func strippedCount(_ text: String) -> Int {
        if text.hasPrefix("+") { return text.utf8.count - 1 }
        if text.hasPrefix("00") { return text.utf8.count - 2 }
        return text.utf8.count
    }

    /// Digits keyed behind a leading 1, so "5" and "05" differ.
    static func key(_ digits: ArraySlice<UInt8>) -> UInt64 {
        digits.reduce(UInt64(1)) { $0 &* 10 &+ UInt64($1 &- 0x30) }
    }

    /// Which destinations a filter entry names: `group:NAME`, a destination name, or a prefix
    /// (the destination that prefix maps to). Nil when it names nothing in the table.
    public func resolve(_ entry: String) -> [Int32]? {
        if entry.hasPrefix("group:") {
            let group = String(entry.dropFirst(6))
            let members = groups.indices.filter { groups[$0] == group }.map { Int32($0) }
            return members.isEmpty ? nil : members
        }
        if let i = nameIndex[entry] { return [i] }
        let digits = Self.normalised(Array(entry.utf8))
        if !digits.isEmpty, digits.count == Self.strippedCount(entry), digits.count <= Self.maxPrefixDigits,
           let i = prefixes[Self.key(digits[...])] {
            return [i]
        }
        return nil
    }
}

/// A 64-bit FNV-1a of a called number's digits: sequences compare numbers, and
/// the log keeps this rather than the number (8 bytes, no personal data).
/// "+5355", "005355" and "5355" are one number.
@inline(__always)
func numberHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes[numberStart(bytes)...] where b >= 0x30 && b <= 0x39 {
        h = (h ^ UInt64(b)) &* 0x100_0000_01b3
    }
    return h
}

/// Where a number's digits start once its `+` or leading `00` is dropped.
@inline(__always)
func numberStart(_ number: UnsafeBufferPointer<UInt8>) -> Int {
    if number.count > 0, number[0] == UInt8(ascii: "+") { return 1 }
    if number.count > 1, number[0] == UInt8(ascii: "0"), number[1] == UInt8(ascii: "0") { return 2 }
    return 0
}
