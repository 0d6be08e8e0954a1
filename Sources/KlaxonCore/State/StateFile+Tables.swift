import KlaxonEngine
/// The binary tables part of the state file (since format 2): the companies, the
/// alert instances and the failure streaks, which grow with the companies.
///
/// Every stored field of `CompanyRecord`, `Company`, `AlertInstance` and
/// `FailureStreak` is written here by hand; `StateStoreTests` counts their
/// fields, so a field added to one of them fails a test until it is added here
/// (and the format version raised).
extension StateFile {
    /// The first table: the companies (`encodeHead` writes the two parts side by side).
    static func encodeCompanyTable(_ meta: StateMeta, into w: inout BinaryWriter) {
        w.varint(UInt64(meta.companies.count))
        for id in meta.companies.keys.sorted() {
            guard let record = meta.companies[id] else { continue }
            w.string(id)
            let c = record.company
            w.string(c.id); w.string(c.name); w.string(c.type.rawValue); w.string(c.status.rawValue)
            w.optionalDouble(c.credit); w.double(c.debitLimit); w.string(c.currency)
            w.strings(c.emails); w.strings(c.phones); w.strings(c.tags)
            w.varint(record.inSnapshot ? 1 : 0)
            w.signed(record.lastSeen)
        }
    }

    /// The tables after the companies: the alert instances and the failure streaks.
    static func encodeInstanceTables(_ meta: StateMeta, into w: inout BinaryWriter) {
        w.varint(UInt64(meta.instances.count))
        for key in meta.instances.keys.sorted() {
            guard let i = meta.instances[key] else { continue }
            w.string(key)
            w.string(i.alert); w.string(i.company); w.string(i.status.rawValue)
            w.optionalSigned(i.lastFired); w.optionalSigned(i.triggeredSince); w.optionalDouble(i.lastValue)
        }
        w.varint(UInt64(meta.failureStreaks.count))
        for id in meta.failureStreaks.keys.sorted() {
            guard let streak = meta.failureStreaks[id] else { continue }
            w.string(id)
            w.optionalSigned(streak.lastConnected)
            w.varint(UInt64(streak.failures.count))
            for pair in streak.failures {
                w.varint(UInt64(pair.count))
                for value in pair { w.signed(value) }
            }
        }
    }

    static func decodeTables(_ r: inout BinaryReader, into meta: inout StateMeta) throws(BinaryReader.Truncated) {
        let companies = try r.count()
        meta.companies.reserveCapacity(companies)
        for _ in 0..<companies {
            let key = try r.string()
            var c = Company(id: try r.string())
            c.name = try r.string()
            c.type = try r.enumValue(Company.Kind.self)
            c.status = try r.enumValue(Company.Status.self)
            c.credit = try r.optionalDouble()
            c.debitLimit = try r.double()
            c.currency = try r.string()
            c.emails = try r.strings(); c.phones = try r.strings(); c.tags = try r.strings()
            let inSnapshot = try r.varint() != 0
            meta.companies[key] = CompanyRecord(company: c, inSnapshot: inSnapshot, lastSeen: try r.signed())
        }
        let instances = try r.count()
        meta.instances.reserveCapacity(instances)
        for _ in 0..<instances {
            let key = try r.string()
            var i = AlertInstance(alert: try r.string(), company: try r.string())
            i.status = try r.enumValue(AlertInstance.Status.self)
            i.lastFired = try r.optionalSigned()
            i.triggeredSince = try r.optionalSigned()
            i.lastValue = try r.optionalDouble()
            meta.instances[key] = i
        }
        let streaks = try r.count()
        meta.failureStreaks.reserveCapacity(streaks)
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
        }
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

    mutating func enumValue<E: RawRepresentable>(_: E.Type) throws(Truncated) -> E where E.RawValue == String {
        guard let value = E(rawValue: try string()) else { throw Truncated() }
        return value
    }
}
