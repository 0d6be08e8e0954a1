import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Every per-destination value (the bucket areas' sums and the four per-call
/// areas) from the fast path — ingest, call log, `CallLogMeasure` — against a
/// plain loop over the calls `ReferenceIngest` read, with its own prefix match.
@Suite struct DestinationReferenceTests {
    static let now = "2026-11-27T01:00:00Z"
    static let table = """
    prefix,name,group
    53,Cuba,high_risk
    535,Cuba Mobile,high_risk
    44,United Kingdom,
    447,United Kingdom Mobile,
    4420,London,
    1,NANP,
    1876,Jamaica,high_risk
    """
    /// Called prefixes, some outside the table (`other`).
    static let called = ["53", "535", "5351", "44", "447", "4420", "4421", "1876", "1", "33", "881"]
    static let snapshot = "id,type\n" + (1...39).map { "C\($0),customer\n" }.joined() + (1...7).map { "P\($0),carrier\n" }.joined()

    static let jobText = """
    { state: "state", destinations: { file: "prefixes.csv" },
      inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
      alerts: [ { title: "D", scope: { type: "any" }, to: [], by: "destination", area: "attempts", operator: ">", threshold: 1e9, sample_period: "1h" } ] }
    """

    /// The job, with its table written next to it, and the files dropped.
    func ingest(_ files: [String], scratch: Scratch, now: String = Self.now, state: inout KlaxonState) throws -> Job {
        scratch.write("prefixes.csv", Self.table)
        let job = try scratch.job(Self.jobText)
        scratch.write("drop/balances/b.csv", Self.snapshot)
        for (i, content) in files.enumerated() { scratch.write("drop/cdrs/cdrs-\(now)-\(i).csv", content) }
        _ = try Ingest(job: job, now: epoch(now), wallClock: Date()).run(&state)
        return job
    }

    struct Values: Equatable {
        var bucket: [Int64]
        var perMinute = 0, concurrent = 0, sequential = 0, longest: Int64 = 0
    }

    /// The fast path's values per "company/destination", over the hour before `now`.
    func fastValues(_ state: KlaxonState, now: String = Self.now) throws -> [String: Values] {
        let log = try #require(state.meta.fraud?.log)
        let end = Int32(epoch(now) / 60)
        var out: [String: Values] = [:]
        for (company, calls) in log.calls {
            let window = CallLogMeasure.window(calls, from: end - 60, to: end)
            for name in Set(window.map { log.name(of: $0.destination) }) {
                let own = Array(window.filter { log.name(of: $0.destination) == name })[...]
                let b = CallLogMeasure.bucket(own, minute: 0)
                out["\(company)/\(name)"] = Values(
                    bucket: [Int64(b.attempts), Int64(b.connected), Int64(b.nerSuccesses), Int64(b.redirects), Int64(b.pddCount),
                             b.talkSeconds, b.pddMillisecondsSum, b.customerCharge, b.providerCharge],
                    perMinute: CallLogMeasure.callsPerMinute(own), concurrent: CallLogMeasure.concurrentCalls(own),
                    sequential: CallLogMeasure.sequentialCalls(own), longest: own.map(\.duration).max() ?? 0)
            }
        }
        return out
    }

    /// The plain loop: each call matched by scanning the table's prefixes, then counted.
    func referenceValues(_ content: String) -> [String: Values] {
        let reference = ReferenceIngest(content, known: Set((1...39).map { "C\($0)" } + (1...7).map { "P\($0)" }),
                                        now: epoch(Self.now), windowSeconds: 3_600)
        let prefixes = Self.table.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        func destination(_ number: String) -> String {
            var digits = Substring(number)
            if digits.hasPrefix("+") { digits = digits.dropFirst() } else if digits.hasPrefix("00") { digits = digits.dropFirst(2) }
            digits = digits.prefix { $0.isASCII && $0.isNumber }
            let best = prefixes.filter { digits.hasPrefix($0[0]) }.max { $0[0].count < $1[0].count }
            return best.map { String($0[1]) } ?? "other"
        }
        let end = epoch(Self.now)
        var grouped: [String: [(time: Int64, duration: Int64, code: Int, pdd: Int64?, charges: [Int64], number: String)]] = [:]
        for (company, calls) in reference.folds {
            for call in calls where call.time >= end - 3_600 && call.time < end {
                grouped["\(company)/\(destination(call.number))", default: []].append(call)
            }
        }
        var out: [String: Values] = [:]
        for (key, calls) in grouped {
            var v = Values(bucket: Array(repeating: 0, count: 9))
            for c in calls {
                let connected = (200..<300).contains(c.code)
                v.bucket[0] += 1
                if connected { v.bucket[1] += 1; v.bucket[5] += c.duration }
                if [200, 480, 486, 600, 603].contains(c.code) { v.bucket[2] += 1 }
                if (300..<400).contains(c.code) { v.bucket[3] += 1 }
                if let pdd = c.pdd { v.bucket[4] += 1; v.bucket[6] += pdd }
                v.bucket[7] += c.charges[0]
                v.bucket[8] += c.charges[1]
                v.longest = max(v.longest, c.duration)
            }
            v.perMinute = Dictionary(grouping: calls) { Int64(floor(Double($0.time) / 60)) }.values.map(\.count).max() ?? 0
            // In progress at each call's start: started at or before it and not yet ended.
            v.concurrent = calls.filter { $0.duration > 0 }.map { c in
                calls.filter { $0.duration > 0 && $0.time <= c.time && c.time < $0.time + $0.duration }.count
            }.max() ?? 0
            // Start order; within one second, by the called number's FNV-1a (the documented tie-break).
            let ordered = calls.map { ($0.time, fnv(normalised($0.number))) }.sorted { $0 < $1 }
            var run = 0
            for (i, call) in ordered.enumerated() {
                run = i > 0 && ordered[i - 1].1 == call.1 ? run + 1 : 1
                v.sequential = max(v.sequential, run)
            }
            out[key] = v
        }
        return out
    }

    func normalised(_ number: String) -> String {
        var digits = Substring(number)
        if digits.hasPrefix("+") { digits = digits.dropFirst() } else if digits.hasPrefix("00") { digits = digits.dropFirst(2) }
        return String(digits.filter { $0.isASCII && $0.isNumber })
    }

    func fnv(_ digits: String) -> UInt64 {
        digits.utf8.reduce(0xcbf2_9ce4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    @Test func everyPerDestinationValueOfADirtyExportIsThePlainLoops() throws {
        let content = GeneratedExport(rows: 8_000, seed: 21, destinations: Self.called).text
        var state = KlaxonState()
        _ = try ingest([content], scratch: Scratch(), state: &state)
        let fast = try fastValues(state)
        let reference = referenceValues(content)
        #expect(fast.count > 100)
        #expect(Set(fast.keys) == Set(reference.keys))
        for (key, value) in reference { #expect(fast[key] == value, "\(key)") }
        #expect(reference.values.contains { $0.sequential >= 2 } && reference.values.contains { $0.concurrent >= 2 })
        #expect(reference.keys.contains { $0.hasSuffix("/other") } && reference.keys.contains { $0.hasSuffix("/Cuba Mobile") })
    }

    @Test func aWindowSpreadOverFilesAndRunsHasTheValuesOfOneFileInOneRun() throws {
        let content = GeneratedExport(rows: 6_000, seed: 5, destinations: Self.called).text
        // By byte: splitting the String would keep "\r\n" (one Character) whole.
        var lines = content.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let header = String(lines.removeFirst())
        // Cut only before a line that starts a record (a quoted call id may hold a line break).
        func cut(near i: Int) -> Int { (i...).first { lines[$0].hasPrefix("2026-") } ?? i }
        let (a, b) = (cut(near: 2_000), cut(near: 4_000))
        let thirds = [lines[..<a], lines[a..<b], lines[b...]].map { header + "\n" + $0.joined(separator: "\n") }
        var one = KlaxonState()
        _ = try ingest([content], scratch: Scratch(), state: &one)

        var split = KlaxonState()
        let scratch = Scratch()
        _ = try ingest([thirds[0]], scratch: scratch, now: "2026-11-27T00:40:00Z", state: &split)
        // Through the state file, as between two cron runs.
        split = try StateFile.decode(StateFile.encode(split))
        _ = try ingest([thirds[1], thirds[2]], scratch: scratch, state: &split)
        #expect(try fastValues(split) == fastValues(one))
    }
}
