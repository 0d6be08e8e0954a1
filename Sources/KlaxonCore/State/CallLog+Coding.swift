import Foundation
import KlaxonEngine

/// The call log in the state's JSON part: its names and watch as JSON, its
/// calls as one base64 string of varints (times as deltas), about a dozen
/// bytes a call instead of a JSON object's hundred and fifty.
struct CallLogCoding: Codable {
    var log: CallLog

    enum CodingKeys: String, CodingKey { case names, since, watch, calls, companySince = "company_since" }

    init(log: CallLog) { self.log = log }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        log = CallLog(watch: try c.decode(String.self, forKey: .watch), since: try c.decodeIfPresent(Int32.self, forKey: .since))
        log.names = try c.decode([String].self, forKey: .names)
        log.companySince = try c.decodeIfPresent([String: Int32].self, forKey: .companySince) ?? [:]
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
        try c.encode(Data(Self.encodeCalls(log.calls)), forKey: .calls)
    }

    static func encodeCalls(_ calls: [String: [LoggedCall]]) -> [UInt8] {
        var w = BinaryWriter()
        w.varint(UInt64(calls.count))
        for id in calls.keys.sorted() {
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

    /// Each company's coverage name, as a table of the few distinct names and a number per company.
    static func encodeCoverage(_ coverage: [String: String]) -> [UInt8] {
        var w = BinaryWriter()
        let distinct = Array(Set(coverage.values)).sorted()
        let numbers = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        w.varint(UInt64(distinct.count))
        for name in distinct { w.string(name) }
        w.varint(UInt64(coverage.count))
        for id in coverage.keys.sorted() {
            w.string(id)
            w.varint(UInt64(numbers[coverage[id] ?? ""] ?? 0))
        }
        return w.bytes
    }

    static func decodeCoverage(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: String]? {
        var distinct: [String] = []
        for _ in 0..<(try r.count()) { distinct.append(try r.string()) }
        let n = try r.count()
        var coverage: [String: String] = [:]
        coverage.reserveCapacity(n)
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
            list.reserveCapacity(n)
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
