import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The fast CDR path (bytes in place, interned ids, two threads) must give
/// exactly what a plain reading gives: `ReferenceIngest` below splits the file
/// into Strings one character at a time, converts values with Foundation and
/// folds calls into dictionaries. Compared field by field, per company and
/// minute, with the report's counts and the rejected lines.
@Suite struct IngestReferenceTests {
    static let now = "2026-11-27T01:00:00Z"
    static let snapshot = "id,type\n" + (1...39).map { "C\($0),customer\n" }.joined() + (1...7).map { "P\($0),carrier\n" }.joined()

    /// Ingests `content` as the only CDR file with the fast path; returns the state and the file's report.
    func fastPath(_ content: String, splitThreshold: Int, snapshot: String?) throws -> (KlaxonState, FileReport) {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
          alerts: [ { title: "A", scope: { type: "any" }, to: [], area: "asr", operator: "<", threshold: 30, sample_period: "1h", min_calls: 1 } ] }
        """)
        try FileManager.default.createDirectory(atPath: scratch.url("drop/balances"), withIntermediateDirectories: true)
        if let snapshot { scratch.write("drop/balances/b.csv", snapshot) }
        scratch.write("drop/cdrs/cdrs.csv", content)
        var ingest = Ingest(job: job, now: epoch(Self.now), wallClock: Date())
        ingest.splitThreshold = splitThreshold
        var state = KlaxonState()
        let reports = try ingest.run(&state)
        return (state, try #require(reports.first { $0.name == "cdrs.csv" }))
    }

    func expectSame(_ content: String, splitThreshold: Int, snapshot: String? = Self.snapshot) throws {
        let (state, report) = try fastPath(content, splitThreshold: splitThreshold, snapshot: snapshot)
        let known = snapshot.map { Set($0.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }) }
        let reference = ReferenceIngest(content, known: known, now: epoch(Self.now), windowSeconds: 3_600)
        #expect(report.outcome == .taken)
        #expect(reference.folded > 0 && !reference.buckets.isEmpty)
        #expect(report.rows == reference.rows)
        #expect(report.folded == reference.folded)
        #expect(report.tooOld == reference.tooOld)
        #expect(report.inFuture == reference.inFuture)
        #expect(report.rejectedRows == reference.rejectedLines.count)
        let listed = report.rejections.compactMap { line -> Int? in
            let afterPath = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            return afterPath.count > 1 ? Int(afterPath[1]) : nil
        }
        #expect(listed == Array(reference.rejectedLines.prefix(FileReport.maxListedRejections)))
        #expect(Set(state.buckets.keys) == Set(reference.buckets.keys))
        for (company, minutes) in reference.buckets {
            let expected = minutes.keys.sorted().compactMap { minutes[$0] }
            #expect(state.buckets[company]?.buckets == expected, "buckets of \(company)")
            #expect(state.meta.failureStreaks[company]?.lastConnected == reference.lastConnected[company], "last connect of \(company)")
            #expect(state.meta.failureStreaks[company]?.count == reference.failuresAfterLastConnect(company), "failure streak of \(company)")
        }
    }

    @Test func theDirtyFixtureReadsAsThePlainReferenceReadsIt() throws {
        let dirty = try String(contentsOfFile: Repository.path("fixtures/dirty/cdrs-dirty.csv"), encoding: .utf8)
        let snapshot = "id,type\nC100,customer\nP10,carrier\nP20,carrier\n"
        try expectSame(dirty, splitThreshold: Int.max, snapshot: snapshot)
        try expectSame(dirty, splitThreshold: 1, snapshot: snapshot)
        try expectSame(dirty, splitThreshold: Int.max, snapshot: nil)
    }

    @Test func aGeneratedDirtyExportReadsTheSameInOnePieceAndInTwoRanges() throws {
        let content = GeneratedExport(rows: 20_000, seed: 7).text
        try expectSame(content, splitThreshold: Int.max)
        try expectSame(content, splitThreshold: 1)
        try expectSame(content, splitThreshold: 1, snapshot: nil)
    }

    @Test func aLargeFileIsReadAsTwoRangesUnlessItsMiddleLineEndIsInsideAQuotedField() throws {
        let plain = GeneratedExport(rows: 4_000, seed: 11).text
        var staging = try stagingParts(plain)
        #expect(staging == 2)
        // A quoted call id spanning the middle of the file: the line end found there is data.
        var lines = plain.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let middle = lines.count / 2
        let spanning = "2026-11-27 00:30:00,\"" + String(repeating: "multi\nline\n", count: 8_000) + "\",C1,P1,1,10,200,,0,0"
        lines.insert(spanning, at: middle)
        let quoted = lines.joined(separator: "\n")
        staging = try stagingParts(quoted)
        #expect(staging == 1, "the split must be refused and the file read in one piece")
        try expectSame(quoted, splitThreshold: 1)
    }

    /// How many ranges CDRFileReader read `content` as.
    func stagingParts(_ content: String) throws -> Int {
        try #require(readCDRFile(content, splitThreshold: 1, scratch: Scratch()).staging).parts.count
    }
}

/// A deterministic CDR export with every kind of dirt sprinkled in: padded and
/// quoted ids, call ids with commas, quotes and line breaks, CRLF and LF, blank
/// lines, bad values, short rows, unknown companies, calls out of order, too
/// old and in the future, ISO stamps.
struct GeneratedExport {
    let text: String

    /// `destinations`: prefixes to call (dirtied with `+`, `00`, blanks); nil calls 44… as before.
    init(rows: Int, seed: UInt64, destinations: [String]? = nil) {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var out = "\u{FEFF}" + cdrHeader.replacingOccurrences(of: "\n", with: "\r\n")
        let base = 1_795_741_200 - 3_600  // 2026-11-27 00:00 UTC
        for i in 0..<rows {
            var t = base + i * 3_600 / rows + next(120) - 60
            switch next(200) {
            case 0: t -= 86_400          // too old
            case 1: t += 7_200           // in the future
            default: break
            }
            let date = Date(timeIntervalSince1970: TimeInterval(t))
            var components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
            components.nanosecond = 0
            var dt = String(format: "%04d-%02d-%02d %02d:%02d:%02d", components.year!, components.month!, components.day!,
                            components.hour!, components.minute!, components.second!)
            if next(50) == 0 { dt = dt.replacingOccurrences(of: " ", with: "T") + "Z" }
            if next(300) == 0 { dt = "2026-13-01 00:00:00" }
            var customer = "C\(1 + next(40))"
            if next(60) == 0 { customer = "  \(customer) " }
            if next(80) == 0 { customer = "\"\(customer)\"" }
            if next(400) == 0 { customer = "" }
            let provider = next(100) == 0 ? "" : "P\(1 + next(8))"
            var callid = "c\(i)"
            switch next(100) {
            case 0: callid = "\"a,b \(i)\""
            case 1: callid = "\"say \"\"hi\"\" \(i)\""
            case 2: callid = "\"two\r\nlines \(i)\""
            default: break
            }
            let answered = next(100) < 45
            var duration = answered ? "\(1 + next(600))" : "0"
            let code = answered ? "200" : ["486", "480", "487", "503", "302", "603"][next(6)]
            var sip = code
            if next(300) == 0 { duration = "abc" }
            if next(300) == 0 { sip = "sip" }
            let pdd = next(30) == 0 ? "" : "\(100 + next(4_000))"
            let charge = answered ? String(format: "%.6f", Double(next(1_000_000)) / 1e6) : "0"
            let cost = answered ? String(format: "%.5f", Double(next(100_000)) / 1e5) : ""
            var number = "44\(next(1_000_000))"
            if let destinations {
                // Few numbers per prefix, so runs of calls to one number happen.
                number = destinations[next(destinations.count)] + "\(next(4))"
                switch next(20) {
                case 0: number = "+" + number
                case 1: number = "00" + number
                case 2: number = ""
                case 3: number = "9999\(next(100))"
                default: break
                }
            }
            var fields = [dt, callid, customer, provider, number, duration, sip, pdd, charge, cost]
            if next(300) == 0 { fields.removeLast(2) }
            out += fields.joined(separator: ",") + (next(3) == 0 ? "\r\n" : "\n")
            if next(500) == 0 { out += "\n" }
        }
        text = out
    }
}

/// The plain reading: the whole file as Unicode scalars, records split by
/// hand, values converted with Foundation, calls summed in dictionaries.
struct ReferenceIngest {
    var buckets: [String: [Int32: MinuteBucket]] = [:]
    var rows = 0, folded = 0, tooOld = 0, inFuture = 0
    var rejectedLines: [Int] = []
    var lastConnected: [String: Int64] = [:]
    var calls: [String: [(time: Int64, connected: Bool)]] = [:]
    /// Every folded call of each company as read, for the per-destination reference.
    var folds: [String: [(time: Int64, duration: Int64, code: Int, pdd: Int64?, charges: [Int64], number: String)]] = [:]

    /// Failures after the last connected call in time order, file order deciding within a second.
    func failuresAfterLastConnect(_ company: String) -> Int {
        let list = Array((calls[company] ?? []).enumerated())
        let last = list.filter { $0.element.connected }.map { ($0.element.time, $0.offset) }.max { $0 < $1 } ?? (.min, -1)
        return list.filter { !$0.element.connected && ($0.element.time, $0.offset) > last }.count
    }

    init(_ text: String, known: Set<String>?, now: Int64, windowSeconds: Int64) {
        var header: [String: Int]?
        var width: Int?
        for record in Self.records(text) {
            guard let fields = record.fields else {
                rows += 1
                rejectedLines.append(record.line)
                continue
            }
            if header == nil {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                if names.contains("dt") || names.contains("customer_id") {
                    header = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                    width = fields.count
                    continue
                }
                header = Dictionary(uniqueKeysWithValues: CDRField.allCases.enumerated().map { ($1.rawValue, $0) })
            }
            rows += 1
            guard let columns = header, fold(fields, columns: columns, width: width, known: known, now: now, window: windowSeconds) else {
                rejectedLines.append(record.line)
                continue
            }
        }
    }

    /// False when the row is rejected.
    mutating func fold(_ fields: [String], columns: [String: Int], width: Int?, known: Set<String>?, now: Int64, window: Int64) -> Bool {
        if let width, fields.count != width { return false }
        func field(_ name: String) -> String? { columns[name].flatMap { $0 < fields.count ? fields[$0] : nil } }
        if (columns.values.max() ?? 0) >= fields.count { return false }
        guard let time = field("dt").flatMap(Self.epochSeconds) else { return false }
        let customer = (field("customer_id") ?? "").trimmingCharacters(in: .whitespaces)
        guard !customer.isEmpty else { return false }
        let providerText = (field("provider_id") ?? "").trimmingCharacters(in: .whitespaces)
        let provider = providerText.isEmpty ? nil : providerText
        var duration: Int64 = 0
        if let d = field("duration"), !d.isEmpty {
            guard let value = Int64(d.trimmingCharacters(in: .whitespaces)), value >= 0 else { return false }
            duration = value
        }
        guard let code = field("sip_code").flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), (100...699).contains(code) else { return false }
        var pdd: Int64?
        if let p = field("pdd"), !p.isEmpty {
            guard let value = Int64(p.trimmingCharacters(in: .whitespaces)), value >= 0 else { return false }
            pdd = value
        }
        var charges: [Int64] = []
        for name in ["customer_charge", "provider_charge"] {
            guard let text = field(name), !text.isEmpty else { charges.append(0); continue }
            guard text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }), let decimal = Decimal(string: text) else { return false }
            charges.append(NSDecimalNumber(decimal: decimal * 1_000_000).int64Value)
        }
        let customerKnown = known?.contains(customer) ?? true
        let providerKnown = provider.map { known?.contains($0) ?? true } ?? false
        if !customerKnown && !providerKnown { return false }
        if time > now + 300 { inFuture += 1; return true }
        let minute = Int32((time - (time % 60 + 60) % 60) / 60)
        if Int64(minute) < (now / 60) - window / 60 { tooOld += 1; return true }
        folded += 1
        let connected = (200..<300).contains(code)
        for (company, isKnown) in [(customer, customerKnown), (provider ?? "", providerKnown)] where isKnown {
            var b = buckets[company, default: [:]][minute, default: MinuteBucket(minute: minute)]
            b.attempts += 1
            if connected { b.connected += 1; b.talkSeconds += duration }
            if [200, 480, 486, 600, 603].contains(code) { b.nerSuccesses += 1 }
            if (300..<400).contains(code) { b.redirects += 1 }
            if let pdd { b.pddCount += 1; b.pddMillisecondsSum += pdd }
            b.customerCharge += charges[0]
            b.providerCharge += charges[1]
            buckets[company, default: [:]][minute] = b
            calls[company, default: []].append((time, connected))
            folds[company, default: []].append((time, duration, code, pdd, charges, field("dest_number") ?? ""))
            if connected { lastConnected[company] = max(lastConnected[company] ?? .min, time) }
        }
        return true
    }

    /// `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SSZ`, UTC.
    static func epochSeconds(_ raw: String) -> Int64? {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("Z") { text.removeLast() }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, clock.count == 3, (1...12).contains(date[1]), (0..<24).contains(clock[0]),
              (0..<60).contains(clock[1]), (0...60).contains(clock[2]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let first = calendar.date(from: DateComponents(year: date[0], month: date[1], day: 1)),
              let days = calendar.range(of: .day, in: .month, for: first), days.contains(date[2]),
              let day = calendar.date(from: DateComponents(year: date[0], month: date[1], day: date[2]))
        else { return nil }
        return Int64(day.timeIntervalSince1970) + Int64(clock[0] * 3_600 + clock[1] * 60 + clock[2])
    }

    /// RFC 4180 records with the line each starts on; nil fields for a malformed one.
    static func records(_ text: String) -> [(line: Int, fields: [String]?)] {
        var s = Array(text.unicodeScalars)
        if s.first == "\u{FEFF}" { s.removeFirst() }
        var result: [(Int, [String]?)] = []
        var i = 0, line = 1
        func atLineEnd(_ k: Int) -> Int? {  // length of the line ending at k, if one is there
            if s[k] == "\n" { return 1 }
            if s[k] == "\r" && k + 1 < s.count && s[k + 1] == "\n" { return 2 }
            if s[k] == "\r" && k + 1 == s.count { return 1 }
            return nil
        }
        while i < s.count {
            let start = line
            if let n = atLineEnd(i) { i += n; if n == 2 || s[i - 1] == "\n" { line += 1 }; continue }
            var fields: [String] = []
            var bad = false
            record: while true {
                var field = ""
                if i < s.count && s[i] == "\"" {
                    i += 1
                    while true {
                        if i == s.count { bad = true; break record }
                        if s[i] == "\"" {
                            if i + 1 < s.count && s[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 2; continue }
                            i += 1
                            break
                        }
                        if s[i] == "\n" { line += 1 }
                        if s[i] == "\0" { bad = true }
                        field.unicodeScalars.append(s[i])
                        i += 1
                    }
                    if i < s.count && s[i] != "," && atLineEnd(i) == nil { bad = true }
                }
                while i < s.count && s[i] != "," && atLineEnd(i) == nil {
                    if s[i] == "\0" { bad = true }
                    field.unicodeScalars.append(s[i])
                    i += 1
                }
                fields.append(field)
                if i == s.count { break }
                if s[i] == "," { i += 1; if i == s.count { fields.append(""); break }; continue }
                if let n = atLineEnd(i) { i += n; if s[i - 1] == "\n" { line += 1 }; break }
            }
            result.append((start, bad ? nil : fields))
        }
        return result
    }
}
