import Foundation
import KlaxonEngine

/// The call log in the state's JSON part: its names and watch as JSON, its
/// calls as one base64 string of varints (times as deltas), about a dozen
/// bytes a call instead of a JSON object's hundred and fifty.
struct CallLogCoding: Codable {
    var log: CallLog

    enum CodingKeys: String, CodingKey { case names, since, watch, calls, companySince = "company_since", companyBefore = "company_before" }

    init(log: CallLog) { self.log = log }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        log = CallLog(watch: try c.decode(String.self, forKey: .watch), since: try c.decodeIfPresent(Int32.self, forKey: .since))
        log.names = try c.decode([String].self, forKey: .names)
        log.companySince = try c.decodeIfPresent([String: Int32].self, forKey: .companySince) ?? [:]
        log.companyBefore = try c.decodeIfPresent([String: String].self, forKey: .companyBefore) ?? [:]
        let data = try c.decode(Data.self, forKey: .calls)
        do {
            log.calls = try Self.decodeCalls([UInt8](data))
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .calls, in: c, debugDescription: "the call log is truncated")
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(log.names, forKey: .names)
        try c.encodeIfPresent(log.since, forKey: .since)
        try c.encode(log.watch, forKey: .watch)
        if !log.companySince.isEmpty { try c.encode(log.companySince, forKey: .companySince) }
        if !log.companyBefore.isEmpty { try c.encode(log.companyBefore, forKey: .companyBefore) }
        try c.encode(Data(Self.encodeCalls(log.calls)), forKey: .calls)
    }

    static func encodeCalls(_ calls: [String: [LoggedCall]]) -> [UInt8] {
        var w = BinaryWriter()
        w.varint(UInt64(calls.count))
        for id in Self.sortedIDs(calls) {
            let list = calls[id] ?? []
            w.string(id)
            w.varint(UInt64(list.count))
            var previous: Int64 = 0
            for call in list {
                w.signed(call.time &- previous)
                previous = call.time
                w.signed(call.duration)
                w.fixed64(call.number)
                w.signed(Int64(call.destination))
                w.signed(Int64(call.sipCode))
                w.signed(call.pdd)
                w.signed(call.customerCharge)
                w.signed(call.providerCharge)
            }
        }
        return w.bytes
    }

    /// The ids in `String`'s order, compared by their first eight bytes as one integer when
    /// they are ASCII (`CompanyOrder`): sorting ten thousand ids as `String`s cost more than
    /// writing their calls.
    static func sortedIDs<Value>(_ byID: [String: Value]) -> [String] {
        var heads: [(head: UInt64, id: String)] = []
        heads.reserveCapacity(byID.count)
        for id in byID.keys {
            guard let head = CompanyOrder.asciiHead(id) else { return byID.keys.sorted() }
            heads.append((head, id))
        }
        heads.sort { a, b in a.head != b.head ? a.head < b.head : a.id < b.id }
        return heads.map(\.id)
    }

    /// Each company's coverage name, as a table of the few distinct names (in order of first use)
    /// and a number per company. Hashing each company's name (a list of destinations) to find
    /// its number cost more than the rest: a name is looked up only when it is not the last one.
    static func encodeCoverage(_ coverage: [String: String]) -> [UInt8] {
        let ids = sortedIDs(coverage)
        var distinct: [String] = []
        var numbers: [String: Int] = [:]
        var perCompany: [Int] = []
        perCompany.reserveCapacity(ids.count)
        var last: (name: String, number: Int)?
        for id in ids {
            let name = coverage[id] ?? ""
            if let last, last.name == name {
                perCompany.append(last.number)
                continue
            }
            let number = numbers[name] ?? distinct.count
            if number == distinct.count {
                distinct.append(name)
                numbers[name] = number
            }
            last = (name, number)
            perCompany.append(number)
        }
        var w = BinaryWriter()
        w.varint(UInt64(distinct.count))
        for name in distinct { w.string(name) }
        w.varint(UInt64(ids.count))
        for (id, number) in zip(ids, perCompany) {
            w.string(id)
            w.varint(UInt64(number))
        }
        return w.bytes
    }

    static func decodeCoverage(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: String]? {
        var distinct: [String] = []
        for _ in 0..<(try r.count()) { distinct.append(try r.string()) }
        let n = try r.count()
        var coverage: [String: String] = [:]
        coverage.reserveCapacity(min(n, (r.end - r.offset) / 2))
        for _ in 0..<n {
            let id = try r.string()
            // Not `count()`: a number is no length, and the last one may exceed the bytes left.
            let number = try r.varint()
            guard number < UInt64(distinct.count) else { return nil }
            coverage[id] = distinct[Int(number)]
        }
        return coverage
    }

    static func decodeCalls(_ bytes: [UInt8]) throws(BinaryReader.Truncated) -> [String: [LoggedCall]] {
        var r = BinaryReader(bytes)
        return try decodeCalls(&r)
    }

    /// The calls `encodeCalls` wrote, from where `r` stands (the state file's fraud part).
    static func decodeCalls(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: [LoggedCall]] {
        var calls: [String: [LoggedCall]] = [:]
        let companies = try r.count()
        for _ in 0..<companies {
            let id = try r.string()
            let n = try r.count()
            var list: [LoggedCall] = []
            list.reserveCapacity(min(n, r.end - r.offset))
            var time: Int64 = 0
            for _ in 0..<n {
                time &+= try r.signed()
                let duration = try r.signed()
                let number = try r.fixed64()
                let destination = try r.int32()
                let sip = try r.int32()
                let record = CallRecord(time: time, durationSeconds: duration, sipCode: nil, pddMilliseconds: nil,
                                        customerCharge: 0, providerCharge: 0)
                var call = LoggedCall(record, number: number, destination: destination)
                call.sipCode = sip
                call.pdd = try r.signed()
                call.customerCharge = try r.signed()
                call.providerCharge = try r.signed()
                list.append(call)
            }
            calls[id] = list
        }
        return calls
    }
}
