import Foundation
import KlaxonEngine

/// One watched call, as the per-call areas and per-destination alerts need it.
/// Ordered by every field, so a company's calls sort the same whichever file
/// or run brought them (sequences and ties do not depend on reading order).
struct LoggedCall: Sendable, Equatable, Comparable {
    var time: Int64
    var duration: Int64
    /// `numberHash` of the called number.
    var number: UInt64
    /// Index into `CallLog.names`; `DestinationIndex.other` for an unmatched number.
    var destination: Int32
    /// -1: no SIP code column.
    var sipCode: Int32
    /// -1: no PDD.
    var pdd: Int64
    var customerCharge: Int64
    var providerCharge: Int64

    static func < (a: LoggedCall, b: LoggedCall) -> Bool {
        let first = (a.time, a.number, a.duration, a.destination, a.sipCode, a.pdd)
        let second = (b.time, b.number, b.duration, b.destination, b.sipCode, b.pdd)
        if first != second { return first < second }
        return (a.customerCharge, a.providerCharge) < (b.customerCharge, b.providerCharge)
    }

    init(_ call: CallRecord, number: UInt64, destination: Int32) {
        time = call.time
        duration = call.durationSeconds
        self.number = number
        self.destination = destination
        sipCode = call.sipCode.map { Int32(clamping: $0) } ?? -1
        pdd = call.pddMilliseconds ?? -1
        customerCharge = call.customerCharge
        providerCharge = call.providerCharge
    }

    var record: CallRecord {
        CallRecord(time: time, durationSeconds: duration, sipCode: sipCode < 0 ? nil : Int(sipCode),
                   pddMilliseconds: pdd < 0 ? nil : pdd, customerCharge: customerCharge, providerCharge: providerCharge)
    }
}

/// The calls the job's per-destination and per-call alerts watch, per company,
/// kept as long as the longest window (the minute buckets cannot tell a
/// minute's concurrency, sequences or longest call). Only watched calls are
/// kept: those to a destination some `by: "destination"` alert names, or every
/// call when an alert needs them all.
public struct CallLog: Sendable, Equatable {
    /// Destination names the calls point into, so that an edited prefix table does not relabel old calls.
    var names: [String] = []
    /// Company id → its calls, sorted.
    var calls: [String: [LoggedCall]] = [:]
    /// The first minute from which every watched call read is here; nil: as far as the minute buckets.
    var since: Int32?
    /// What was watched (`CallWatch.key`) when the calls were logged; a new watch starts a new log.
    var watch: String
    /// Company id → the name of its `CallLogCoverage`: which of its calls are logged, for the
    /// companies some call-log alert covers. Nil in a log written before it was kept: every
    /// company's calls were logged under `watch`.
    var coverage: [String: String]?
    /// Companies whose coverage widened after the log began (a tag that puts them in a scope):
    /// the first minute from which their newly watched calls are here, as `since` for them.
    var companySince: [String: Int32] = [:]
    /// Of those companies, the coverage's name before it widened (the narrowest, when it widened
    /// twice): the calls it watched then were logged all along. Missing in a log written before it
    /// was kept: every alert of such a company counts as uncovered until its start.
    var companyBefore: [String: String] = [:]

    init(watch: String, since: Int32?) {
        self.watch = watch
        self.since = since
    }

    mutating func nameIndex(_ name: String) -> Int32 {
        if let i = names.firstIndex(of: name) { return Int32(i) }
        names.append(name)
        return Int32(names.count - 1)
    }

    func name(of index: Int32) -> String { index >= 0 && Int(index) < names.count ? names[Int(index)] : DestinationTable.other }

    /// Adds one file's calls for a company, keeping the list sorted.
    mutating func append(_ new: [LoggedCall], company: String) {
        guard !new.isEmpty else { return }
        calls[company, default: []].append(contentsOf: new)
        calls[company]?.sort()
    }

    /// The first minute from which every call of `company` to `destination` (nil: every call,
    /// as a by-company area reads them) is here. A company whose coverage widened holds from
    /// its start only the calls it was not watched for before: putting it under more alerts
    /// must not blind the alerts that watched it already.
    func since(of company: String, watching destination: String? = nil) -> Int32? {
        guard let own = companySince[company] else { return since }
        if let before = companyBefore[company] {
            let old = CallLogCoverage(name: before)
            if destination.map(old.watches) ?? old.all { return since }
        }
        return max(own, since ?? .min)
    }

    /// Drops calls before minute `keepFrom` (the longest window, as the buckets are pruned), and
    /// the companies' starts at or before `startsFrom`, where no later window of the log's alerts
    /// starts (nil keeps them: baselines by destination look back weeks).
    mutating func prune(before keepFrom: Int32, startsFrom: Int32? = nil) {
        if let startsFrom, companySince.values.contains(where: { $0 <= startsFrom }) {
            companySince = companySince.filter { $0.value > startsFrom }
            companyBefore = companyBefore.filter { companySince[$0.key] != nil }
        }
        let cut = Int64(keepFrom) * 60
        for id in Array(calls.keys) {
            guard let list = calls[id], let first = list.first, first.time < cut else { continue }
            let kept = list.drop { $0.time < cut }
            calls[id] = kept.isEmpty ? nil : Array(kept)
        }
    }

    var count: Int { calls.values.reduce(0) { $0 + $1.count } }
}

/// The behaviour.md "Destinations, fraud rules and baselines" part of the state: absent from a state written before it, or by a job without such alerts.
public struct FraudState: Sendable, Equatable, Codable {
    var log: CallLog?
    /// Instance key → its level, for alerts with `levels` while triggered.
    var levels: [String: AlertLevel] = [:]
    /// Hourly totals for baselines: company id (or "id␟destination") → hour start minute → sum.
    var hourly: [String: [Int32: MinuteBucket]] = [:]
    /// The first minute from which the hourly totals and the buckets hold the job's whole history.
    var hourlySince: Int32?
    /// Which companies the hourly totals are rolled up for (`KlaxonState.baselineScope`): when
    /// it changes, companies new to it have no totals before now, so `hourlySince` starts again.
    var hourlyScope: String?

    init() {}

    enum CodingKeys: String, CodingKey { case log, levels, hourly, hourlySince = "hourly_since", hourlyScope = "hourly_scope" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        levels = try c.decodeIfPresent([String: AlertLevel].self, forKey: .levels) ?? [:]
        log = try c.decodeIfPresent(CallLogCoding.self, forKey: .log)?.log
        hourlySince = try c.decodeIfPresent(Int32.self, forKey: .hourlySince)
        hourlyScope = try c.decodeIfPresent(String.self, forKey: .hourlyScope)
        if let data = try c.decodeIfPresent(Data.self, forKey: .hourly) {
            do { hourly = try HourlyCoding.decode([UInt8](data)) } catch {
                throw DecodingError.dataCorruptedError(forKey: .hourly, in: c, debugDescription: "the hourly totals are truncated")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !levels.isEmpty { try c.encode(levels, forKey: .levels) }
        if let log { try c.encode(CallLogCoding(log: log), forKey: .log) }
        if !hourly.isEmpty { try c.encode(Data(HourlyCoding.encode(hourly)), forKey: .hourly) }
        try c.encodeIfPresent(hourlySince, forKey: .hourlySince)
        try c.encodeIfPresent(hourlyScope, forKey: .hourlyScope)
    }

    var isEmpty: Bool { log == nil && levels.isEmpty && hourly.isEmpty && hourlySince == nil }
}
