import KlaxonEngine
/// The binary tables part of the state file (since format 2): the companies, the
/// alert instances and the failure streaks, which grow with the companies.
///
/// Every stored field of `CompanyRecord`, `Company`, `AlertInstance` and
/// `FailureStreak` is written here by hand; `StateStoreTests` counts their
/// fields, so a field added to one of them fails a test until it is added here
/// (and the format version raised).
extension StateFile {
    /// The first table: the companies (`encodeHead` writes the two parts side by
    /// side). In the order of `loaded` (the keys as the file held them) when the
    /// table has exactly those keys, else sorted: the same bytes either way.
    static func encodeCompanyTable(_ meta: StateMeta, into w: inout BinaryWriter, loaded: [String]? = nil) {
        w.varint(UInt64(meta.companies.count))
        inOrder(count: meta.companies.count, loaded: loaded, sorted: { meta.companies.keys.sorted() }, into: &w) { id, w in
            guard let record = meta.companies[id] else { return false }
            w.string(id)
            let c = record.company
            w.string(c.id); w.string(c.name); w.string(c.type.rawValue); w.string(c.status.rawValue)
            w.optionalDouble(c.credit); w.double(c.debitLimit); w.string(c.currency)
            w.strings(c.emails); w.strings(c.phones); w.strings(c.tags)
            w.varint(record.inSnapshot ? 1 : 0)
            w.signed(record.lastSeen)
            return true
        }
    }

    /// The tables after the companies: the alert instances and the failure streaks.
    static func encodeInstanceTables(_ meta: StateMeta, into w: inout BinaryWriter, loaded: StateImage? = nil) {
        w.varint(UInt64(meta.instances.count))
        inOrder(count: meta.instances.count, loaded: loaded?.instanceKeys, sorted: { meta.instances.keys.sorted() }, into: &w) { key, w in
            guard let i = meta.instances[key] else { return false }
            w.string(key)
            w.string(i.alert); w.string(i.company); w.string(i.status.rawValue)
            w.optionalSigned(i.lastFired); w.optionalSigned(i.triggeredSince); w.optionalDouble(i.lastValue)
            return true
        }
        w.varint(UInt64(meta.failureStreaks.count))
        inOrder(count: meta.failureStreaks.count, loaded: loaded?.streakKeys, sorted: { meta.failureStreaks.keys.sorted() }, into: &w) { id, w in
            guard let streak = meta.failureStreaks[id] else { return false }
            w.string(id)
            w.optionalSigned(streak.lastConnected)
            w.varint(UInt64(streak.failures.count))
            for pair in streak.failures {
                w.varint(UInt64(pair.count))
                for value in pair { w.signed(value) }
            }
            return true
        }
    }

    /// Writes the `count` rows of a table, each by `row` (false: no such key),
    /// sorted by key. Sorting 900,000 keys was a third of a save, so the keys
    /// are first tried in their loaded order, which is sorted already: when
    /// every loaded key is still there and there are as many, no key is new.
    private static func inOrder(count: Int, loaded: [String]?, sorted: () -> [String], into w: inout BinaryWriter,
                                _ row: (String, inout BinaryWriter) -> Bool) {
        if let loaded, loaded.count == count {
            let start = w.bytes.count
            var found = 0
            for key in loaded where row(key, &w) { found += 1 }
            if found == count { return }
            w.bytes.removeSubrange(start...)
        }
        for key in sorted() { _ = row(key, &w) }
    }

    /// Both tables parts as format 4 wrote them, one after the other.
    static func decodeTables(_ r: inout BinaryReader, into meta: inout StateMeta) throws(BinaryReader.Truncated) {
        _ = try decodeCompanyTable(&r, into: &meta.companies)
        _ = try decodeInstanceTables(&r, into: &meta)
    }

    /// The companies; returns their keys in the file's order (for `StateImage`).
    /// A company's id is nearly always its key and its currency and tags those of
    /// the company before it: those share the string or array already read.
    static func decodeCompanyTable(_ r: inout BinaryReader, into table: inout [String: CompanyRecord]) throws(BinaryReader.Truncated) -> [String] {
        let companies = try r.count()
        table.reserveCapacity(companies)
        var keys: [String] = []
        keys.reserveCapacity(companies)
        var previous = Company(id: "")
        let kinds = EnumSpellings(Company.Kind.self), statuses = EnumSpellings(Company.Status.self)
        for _ in 0..<companies {
            let key = try r.string()
            var c = Company(id: try r.string(reusing: key))
            c.name = try r.string()
            c.type = try r.enumValue(among: kinds)
            c.status = try r.enumValue(among: statuses)
            c.credit = try r.optionalDouble()
            c.debitLimit = try r.double()
            c.currency = try r.string(reusing: previous.currency)
            c.emails = try r.strings(reusing: previous.emails)
            c.phones = try r.strings(reusing: previous.phones)
            c.tags = try r.strings(reusing: previous.tags)
            let inSnapshot = try r.varint() != 0
            table[key] = CompanyRecord(company: c, inSnapshot: inSnapshot, lastSeen: try r.signed())
            keys.append(key)
            previous = c
        }
        return keys
    }

    /// The instances and the failure streaks; returns their keys in the file's order.
    /// Instances are sorted by key, which starts with the alert's title: each
    /// title is shared with the instance before it.
    static func decodeInstanceTables(_ r: inout BinaryReader, into meta: inout StateMeta) throws(BinaryReader.Truncated) -> (instances: [String], streaks: [String]) {
        let instances = try r.count()
        meta.instances.reserveCapacity(instances)
        var instanceKeys: [String] = []
        instanceKeys.reserveCapacity(instances)
        var alert = ""
        let statuses = EnumSpellings(AlertInstance.Status.self)
        for _ in 0..<instances {
            let key = try r.string()
            alert = try r.string(reusing: alert)
            var i = AlertInstance(alert: alert, company: try r.string())
            i.status = try r.enumValue(among: statuses)
            i.lastFired = try r.optionalSigned()
            i.triggeredSince = try r.optionalSigned()
            i.lastValue = try r.optionalDouble()
            meta.instances[key] = i
            instanceKeys.append(key)
        }
        let streaks = try r.count()
        meta.failureStreaks.reserveCapacity(streaks)
        var streakKeys: [String] = []
        streakKeys.reserveCapacity(streaks)
        for _ in 0..<streaks {
            let id = try r.string()
            var streak = FailureStreak()
            streak.lastConnected = try r.optionalSigned()
            let n = try r.count()
            streak.failures.reserveCapacity(n)
            for _ in 0..<n {
                let width = try r.count()
                var pair: [Int64] = []
                for _ in 0..<width { pair.append(try r.signed()) }
                streak.failures.append(pair)
            }
            meta.failureStreaks[id] = streak
            streakKeys.append(id)
        }
        return (instanceKeys, streakKeys)
    }
}

extension BinaryWriter {
    mutating func double(_ value: Double) { fixed64(value.bitPattern) }

    mutating func optionalDouble(_ value: Double?) {
        varint(value == nil ? 0 : 1)
        if let value { double(value) }
    }

    mutating func optionalSigned(_ value: Int64?) {
        varint(value == nil ? 0 : 1)
        if let value { signed(value) }
    }

    mutating func strings(_ values: [String]) {
        varint(UInt64(values.count))
        for value in values { string(value) }
    }
}

extension BinaryReader {
    /// A count of things still to read; more than there are bytes left is corrupt.
    mutating func count() throws(Truncated) -> Int {
        let n = try varint()
        guard n <= UInt64(end - offset) else { throw Truncated() }
        return Int(n)
    }

    mutating func double() throws(Truncated) -> Double { Double(bitPattern: try fixed64()) }

    mutating func optionalDouble() throws(Truncated) -> Double? {
        try varint() == 0 ? nil : try double()
    }

    mutating func optionalSigned() throws(Truncated) -> Int64? {
        try varint() == 0 ? nil : try signed()
    }

    mutating func strings() throws(Truncated) -> [String] {
        var values: [String] = []
        for _ in 0..<(try count()) { values.append(try string()) }
        return values
    }

    /// Strings often equal to `previous` (the tags of the company before): then
    /// `previous` itself, no new array.
    mutating func strings(reusing previous: [String]) throws(Truncated) -> [String] {
        let n = try count()
        guard n > 0 else { return [] }
        guard n == previous.count else {
            var values: [String] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try string()) }
            return values
        }
        var values: [String]?
        for k in 0..<n {
            var reused = false
            let value = try string(reusing: previous[k], reused: &reused)
            // The first difference starts an array of its own.
            if values == nil, !reused { values = Array(previous[0..<k]) }
            values?.append(value)
        }
        return values ?? previous
    }

    mutating func enumValue<E: RawRepresentable>(_: E.Type) throws(Truncated) -> E where E.RawValue == String {
        guard let value = E(rawValue: try string()) else { throw Truncated() }
        return value
    }

    /// `enumValue` for a table's rows: the bytes compared with each case's
    /// spelling (`EnumSpellings`, made once per table), no `String` made and
    /// no `init(rawValue:)`; 1.5 million of them a load at 300,000 companies.
    mutating func enumValue<E>(among spellings: EnumSpellings<E>) throws(Truncated) -> E {
        let n = try count()
        let start = offset
        offset += n
        next: for (value, utf8) in spellings.cases where utf8.count == n {
            for k in 0..<n where bytes[start + k] != utf8[k] { continue next }
            return value
        }
        throw Truncated()
    }
}

/// Each case of a string enum with its spelling's bytes, for `BinaryReader.enumValue(among:)`.
struct EnumSpellings<E> {
    let cases: [(E, [UInt8])]
}

extension EnumSpellings where E: RawRepresentable & CaseIterable, E.RawValue == String {
    init(_: E.Type) {
        cases = E.allCases.map { ($0, Array($0.rawValue.utf8)) }
    }
}
