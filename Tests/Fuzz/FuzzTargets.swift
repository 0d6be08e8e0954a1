// libFuzzer harnesses for the three parsers that read what operators and
// switches write: the CSV reader (with every row format over it), the job
// loader and the template engine. Built by Tests/Fuzz/fuzz.sh together with the
// sources of the three layers as one module, so internal types are reachable; the target
// is chosen with KLAXON_FUZZ_TARGET (csv, job, template).
//
// A harness fails (traps) on a crash, and also when an invariant that the code
// promises does not hold: the CSV reader gives the same records whatever its
// chunk size, a rendered e-mail never carries a bare CR or LF or an extra header.

import Foundation

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    FuzzTarget.selected.prepare()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}

enum FuzzTarget: String {
    case csv, job, template

    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["KLAXON_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("KLAXON_FUZZ_TARGET must be csv, job or template (got \"\(name)\")\n".utf8))
            exit(2)
        }
        return target
    }()

    func prepare() {
        if self == .job { _ = JobFuzz.folder }
    }

    func run(_ bytes: [UInt8]) {
        switch self {
        case .csv: CSVFuzz.run(bytes)
        case .job: JobFuzz.run(bytes)
        case .template: TemplateFuzz.run(bytes)
        }
    }
}

// MARK: - CSV reader and row formats

enum CSVFuzz {
    struct Seen: Equatable {
        var records: [[[UInt8]]] = []
        var lines: [Int] = []
        var malformed: [CSVMalformedRecord] = []
    }

    static func run(_ bytes: [UInt8]) {
        // The input's length picks the small chunk size and the record limit, so the
        // corpus can be the fixtures as they are.
        let chunk = 1 + bytes.count % 61
        let maxRecord = [48, 300, 1 << 20][bytes.count % 3]
        var formats = FormatParsers(count: bytes.count)
        let small = read(bytes, chunk: chunk, maxRecord: maxRecord) { formats.parse($0) }
        let large = read(bytes, chunk: 1 << 16, maxRecord: maxRecord) { _ in }
        guard small == large else {
            fatalError("CSVReader depends on the chunk size: chunk \(chunk) gave \(small), chunk 65536 gave \(large)")
        }
    }

    static func read(_ bytes: [UInt8], chunk: Int, maxRecord: Int, each: (borrowing CSVRecord) -> Void) -> Seen {
        var seen = Seen()
        let reader = CSVReader(bytes: bytes, chunkSize: chunk, maxRecordBytes: maxRecord)
        do {
            try reader.read(record: { record in
                var fields: [[UInt8]] = []
                for i in 0..<record.count { fields.append(Array(record[i].bytes)) }
                _ = record.strings
                seen.records.append(fields)
                seen.lines.append(record.line)
                each(record)
            }, malformed: { seen.malformed.append($0) })
        } catch {
            fatalError("reading from memory cannot fail: \(error)")
        }
        return seen
    }

    /// Every row format over every record: by position, and with the first record as a header.
    struct FormatParsers {
        var utc = LocalTimeConverter(timeZone: .gmt)
        var local = LocalTimeConverter(timeZone: TimeZone(identifier: "America/New_York") ?? .gmt)
        var utcStamps = TimestampParser(timezone: nil)
        var localStamps = TimestampParser(timezone: TimeZone(identifier: "America/New_York"))
        /// With a snapshot of two companies, and without one (every id is a company).
        var known = CompanyTable(known: ["C1", "P1"])
        var everyone = CompanyTable(known: nil)
        var first = true
        var cdrHeader: [InputFormat: ColumnLayout<CDRField>] = [:]
        var balanceHeader: ColumnLayout<BalanceField>?
        var bucketHeader: ColumnLayout<BucketField>?
        let overrides: [String: ColumnRef]

        init(count: Int) {
            // Some inputs also get a column override, as a job's `columns` would give.
            overrides = count % 5 == 0 ? ["customer_id": .index(count % 7), "dt": .header("start")] : [:]
        }

        mutating func parse(_ record: borrowing CSVRecord) {
            if first {
                first = false
                let cells = record.strings
                for format in [InputFormat.connexcs, .freeswitch, .asterisk] {
                    let f = CDRFormat(format)
                    _ = f.looksLikeHeader(cells, overrides: overrides)
                    cdrHeader[format] = .fromHeader(cells, overrides: overrides, defaultNames: f.headerNames)
                }
                let balance = BalanceFormat()
                balanceHeader = .fromHeader(cells, overrides: [:], defaultNames: balance.headerNames)
                bucketHeader = .fromHeader(cells, overrides: [:], defaultNames: BucketRowFormat.headerNames)
            }
            for format in [InputFormat.connexcs, .freeswitch, .asterisk] {
                let f = CDRFormat(format)
                _ = f.parse(record, columns: CDRColumns(.positional(f.positions, overrides: overrides, widths: f.positionalWidths)), time: &utcStamps, companies: &everyone)
                if let header = cdrHeader[format] { _ = f.parse(record, columns: CDRColumns(header), time: &localStamps, companies: &known) }
            }
            let balance = BalanceFormat()
            _ = balance.parse(record, layout: .positional(balance.positions, overrides: [:], widths: balance.positions.count...balance.positions.count))
            if let balanceHeader { _ = balance.parse(record, layout: balanceHeader) }
            let buckets = BucketRowFormat()
            _ = buckets.parse(record, layout: .positional(BucketRowFormat.positions, overrides: [:], widths: BucketRowFormat.positions.count...BucketRowFormat.positions.count), clock: &utc)
            if let bucketHeader { _ = buckets.parse(record, layout: bucketHeader, clock: &local) }
        }
    }
}

// MARK: - Job loader

enum JobFuzz {
    /// A scratch copy of the repository's jobs/ folder, so that fuzzed jobs can name
    /// its real templates, alert files and scripts by relative path.
    static let folder: String = {
        let root = ProcessInfo.processInfo.environment["KLAXON_FUZZ_ROOT"] ?? FileManager.default.currentDirectoryPath
        // fuzz.sh gives a folder inside its work folder, so that nothing is left in /tmp.
        let scratch = ProcessInfo.processInfo.environment["KLAXON_FUZZ_SCRATCH"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-fuzz-job-\(getpid())").path
        try? FileManager.default.removeItem(atPath: scratch)
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: root + "/jobs", toPath: scratch + "/jobs")
        } catch {
            FileHandle.standardError.write(Data("cannot copy \(root)/jobs (set KLAXON_FUZZ_ROOT to the repository): \(error)\n".utf8))
            exit(2)
        }
        return scratch + "/jobs"
    }()

    static func run(_ bytes: [UInt8]) {
        let path = folder + "/fuzz-input.json5"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fatalError("cannot write \(path)") }
        switch JobLoader.load(path) {
        case .success(let job):
            _ = job.longestWindow
            for alert in job.alerts { _ = alert.title }
        case .failure(let error):
            // Every refusal must say something and name the file.
            guard !error.message.isEmpty, error.problems.allSatisfy({ !$0.description.isEmpty }) else {
                fatalError("a job was refused without a message")
            }
            _ = error.description
        }
    }
}

// MARK: - Templates

enum TemplateFuzz {
    static let context: TemplateValue = [
        "name": "Caf\u{E9} <Ol\u{E9}> & \"sons\"",
        "brandName": "ACME\r\nBcc: evil@example.com",
        "title": "Low ASR",
        "value": "27.5%",
        "threshold": "30%",
        "kind": "fired",
        "is_fired": true,
        "is_reset": false,
        "penalty": .null,
        "company": ["id": "C1", "name": "=HYPERLINK(\"x\")", "type": "customer", "currency": "EUR"],
        "list": ["a", ["id": "b"], .list([]), "", true],
        "empty": .list([]),
        // A digest's list of events, each an object whose names shadow the outer ones.
        "events": [["title": "Carrier\r\nDown", "name": "<P1>", "company": ["id": "P1"], "is_fired": true], ["title": "Low", "is_reset": true]],
        "count": "2",
    ]

    static let from = MailAddress.parse("NOC <noc@example.com>")

    static func run(_ bytes: [UInt8]) {
        let source = String(decoding: bytes, as: UTF8.self)
        let template: Template
        do {
            template = try Template(source: source, name: "fuzz.txt")
        } catch {
            guard error.line >= 1, error.column >= 1, !error.message.isEmpty else {
                fatalError("a template error without a location: \(error)")
            }
            return
        }
        _ = template.variableNames
        let text = template.render(context, escapeHTML: false)
        let html = template.render(context, escapeHTML: true)
        guard template.render(context, escapeHTML: false) == text else { fatalError("rendering is not deterministic") }
        checkMessage(subject: text, text: text, html: html)
    }

    /// A rendered template goes into a Subject and a body: the message must stay
    /// CRLF-only, carry exactly the headers Klaxon writes, and pass the SMTP checks.
    static func checkMessage(subject: String, text: String, html: String) {
        guard let from, let to = MailAddress(address: "ops@example.com") else { fatalError("fixed addresses must parse") }
        let message = EmailMessage(from: from, to: [to], subject: subject, text: text, html: html,
                                   date: Date(timeIntervalSince1970: 1_795_748_400), messageID: "klaxon.fuzz@example.com",
                                   extraHeaders: [("X-Klaxon-Job", subject)])
        let rendered = Array(message.rendered().utf8)
        do {
            try SMTPTransport.checkLineEndings(rendered, endpoint: "fuzz")
        } catch {
            fatalError("a rendered message fails the SMTP line-ending check: \(error)")
        }
        guard let end = message.rendered().range(of: "\r\n\r\n") else { fatalError("no header/body separator") }
        let names = message.rendered()[..<end.lowerBound].components(separatedBy: "\r\n")
            .filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }
            .map { String($0.prefix { $0 != ":" }).lowercased() }
        let expected = ["date", "from", "to", "subject", "message-id", "mime-version", "x-klaxon-job", "content-type"]
        let extra = names.filter { !expected.contains($0) && !$0.hasPrefix("content-") }
        guard extra.isEmpty else { fatalError("template text added header fields \(extra)") }
    }
}
