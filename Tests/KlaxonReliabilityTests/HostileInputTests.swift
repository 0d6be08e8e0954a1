import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Bad input" and §15: hostile input given to the built `klaxon`, as cron would run
/// it. Each gets a message naming the file and line, or the alert, and leaves the
/// state and the outbox intact: a job that cannot be used changes nothing at all
/// (every byte of the state folder is compared); a bad data file is recorded in the
/// ledger, only its good rows are counted, and the pending e-mail is untouched.
@Suite("Hostile input") struct HostileInputRunTests {
    // MARK: Jobs, templates and states that cannot be used

    struct Unusable: CustomTestStringConvertible, Sendable {
        var name: String
        var status: Int32
        var message: String
        var spoil: @Sendable (ScratchJob) throws -> Void
        var testDescription: String { name }
    }

    static let unusable: [Unusable] = [
        Unusable(name: "a truncated job file", status: 1, message: "not valid JSON5") { rig in
            let text = try #require(rig.scratch.read("job.json5"))
            rig.scratch.write("job.json5", String(text.prefix(text.count * 3 / 5)), age: 0)
        },
        Unusable(name: "a binary job file", status: 1, message: "job.json5: not UTF-8 text: byte 0x") { rig in
            _ = FileManager.default.createFile(atPath: rig.job, contents: Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 167 &+ 13) }))
        },
        Unusable(name: "a template with an unbalanced section", status: 1,
                 message: "alert.txt: line 1, column 1: section \"is_fired\" is never closed (expected \"{{/is_fired}}\")") { rig in
            rig.scratch.write("templates/alert.txt", "{{#is_fired}}Fired: {{title}} for {{name}}.\n", age: 0)
        },
        Unusable(name: "a section closed by the wrong name", status: 1,
                 message: "alert.subject: line 1, column 24: section \"is_reset\" opened on line 1 is closed by \"/is_fired\"") { rig in
            rig.scratch.write("templates/alert.subject", "{{#is_reset}}Resolved: {{/is_fired}}{{title}}", age: 0)
        },
        Unusable(name: "a template that is not UTF-8", status: 1, message: "alert.subject: not UTF-8 text: byte 0xC3 at line 1, column 6") { rig in
            _ = FileManager.default.createFile(atPath: rig.scratch.url("templates/alert.subject"), contents: Data("Alert".utf8 + [0xC3, 0x28]))
        },
        Unusable(name: "a recipient carrying a header", status: 1, message: "to[0]: malformed address \"ops@acme.example\\r\\nBcc: evil@example.com\"") { rig in
            try rig.editJob { $0.replacingOccurrences(of: #"to: ["contacts"]"#, with: #"to: ["ops@acme.example\r\nBcc: evil@example.com"]"#) }
        },
        Unusable(name: "a sender carrying a header", status: 1, message: "email.from: malformed address") { rig in
            try rig.editJob { $0.replacingOccurrences(of: #"from: "noc@acme.example""#, with: #"from: "noc@acme.example\nBcc: evil@example.com""#) }
        },
        Unusable(name: "a penalty that would overflow the clock", status: 1,
                 message: "penalty: duration \"9223372036854775807s\" is longer than 1000y") { rig in
            try rig.editJob { $0.replacingOccurrences(of: #"penalty: "1h""#, with: #"penalty: "9223372036854775807s""#) }
        },
        Unusable(name: "a state file from a newer Klaxon", status: 3,
                 message: "was written by a newer Klaxon (state format \(KlaxonState.formatVersion + 1); this one reads up to \(KlaxonState.formatVersion))") { rig in
            var bytes = try #require(FileManager.default.contents(atPath: rig.scratch.url("state/state")))
            bytes[StateFile.magic.count] = UInt8(KlaxonState.formatVersion + 1)
            try bytes.write(to: URL(fileURLWithPath: rig.scratch.url("state/state")))
        },
        Unusable(name: "a truncated state file", status: 3, message: "state is corrupt: ") { rig in
            let bytes = try #require(FileManager.default.contents(atPath: rig.scratch.url("state/state")))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: rig.scratch.url("state/state")))
        },
    ]

    @Test(arguments: unusable)
    func anUnusableJobTemplateOrStateIsNamedAndChangesNothing(_ hostile: Unusable) throws {
        let rig = try ScratchJob()
        try rig.baseline()
        try hostile.spoil(rig)
        let before = try rig.stateTree()
        let result = try rig.klaxon(["run", rig.job, "--now", rig.next, "--quiet"])
        #expect(result.status == hostile.status, "\(result.stderr)")
        #expect(result.stderr.contains(hostile.message), "\(result.stderr)")
        #expect(!result.stderr.contains("\r"), "a CR from the input reached stderr raw")
        #expect(try rig.stateTree() == before, "the state folder changed")
    }

    // MARK: Data files

    struct BadData: CustomTestStringConvertible, Sendable {
        var name: String
        /// Files to drop, relative to drop/.
        var files: [String: [UInt8]]
        var messages: [String]
        /// What the ledger records for each dropped file.
        var ledger: [String: FileLedger.Outcome?]
        /// Calls added to C1 by the good rows.
        var counted: Int32
        var testDescription: String { name }
    }

    static let good = Array("2026-11-27 00:51:00,y,C1,P1,1,10,200,,0,0\n".utf8)
    static let header = Array(cdrHeader.utf8)

    static let badData: [BadData] = [
        BadData(name: "a CDR file cut inside a quoted field", files: ["cdrs/c-2.csv": header + good + Array("2026-11-27 00:52:00,\"z,C1".utf8)],
                messages: ["c-2.csv:3: unterminated quoted field 2 at end of input"], ledger: ["cdrs/c-2.csv": .taken], counted: 1),
        BadData(name: "a binary CDR file", files: ["cdrs/c-2.csv": (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }],
                messages: ["rejected cdrs/c-2.csv: no row could be read"], ledger: ["cdrs/c-2.csv": .rejected], counted: 0),
        BadData(name: "a CDR row of 10,000 columns", files: ["cdrs/c-2.csv": header + good + Array((Array(repeating: "1", count: 10_000).joined(separator: ",") + "\n").utf8)],
                messages: ["c-2.csv:3: wrong field count: 10000 fields, the header has 10"], ledger: ["cdrs/c-2.csv": .taken], counted: 1),
        BadData(name: "a CDR export of 10,000 columns", files: ["cdrs/c-2.csv": wide(rows: 2)],
                messages: [], ledger: ["cdrs/c-2.csv": .taken], counted: 2),
        BadData(name: "NUL bytes in a CDR row", files: ["cdrs/c-2.csv": header + good + Array("2026-11-27 00:53:00,a".utf8) + [0, 0] + Array("b,C1,P1,1,10,200,,0,0\n".utf8)],
                messages: ["c-2.csv:3: NUL byte in field 2 (binary file?)"], ledger: ["cdrs/c-2.csv": .taken], counted: 1),
        BadData(name: "a customer id that is not UTF-8", files: ["cdrs/c-2.csv": header + good + Array("2026-11-27 00:53:00,a,C".utf8) + [0xE9] + Array("1,P1,1,10,200,,0,0\n".utf8)],
                messages: ["c-2.csv:3: customer_id is not UTF-8 text (byte 0xE9 at position 2); export the file as UTF-8"], ledger: ["cdrs/c-2.csv": .taken], counted: 1),
        BadData(name: "a 100 KB field with a CR and an escape sequence", files: ["cdrs/c-2.csv": header + good + Array("2026-11-27 00:53:00,a,C1,P1,1,\"\u{1B}[2J\r\(String(repeating: "9x", count: 50_000))\",200,,0,0\n".utf8)],
                messages: ["c-2.csv:3: unparsable duration \"\\u{1b}[2J\\r9x9x", "… (cut)"], ledger: ["cdrs/c-2.csv": .taken], counted: 1),
        BadData(name: "a balance snapshot cut inside a row", files: ["balances/b-2.csv": Array("id,name,type,credit,email\nC1,Acme,customer,7,billing@c1.example\nC2,Be".utf8)],
                messages: ["b-2.csv:3: wrong field count: 2 fields, the header has 5"], ledger: ["balances/b-2.csv": .taken], counted: 0),
    ]

    /// A CDR export whose header has 9,990 columns Klaxon does not know before its own ten.
    static func wide(rows: Int) -> [UInt8] {
        let padding = (0..<9_990).map { "extra\($0)" }.joined(separator: ",")
        var text = padding + "," + cdrHeader
        let empty = String(repeating: ",", count: 9_990)
        for i in 0..<rows { text += empty + "2026-11-27 00:5\(i):00,w\(i),C1,P1,1,10,200,,0,0\n" }
        return Array(text.utf8)
    }

    @Test(arguments: badData)
    func aBadDataFileIsNamedLineByLineAndOnlyItsGoodRowsCount(_ hostile: BadData) throws {
        let rig = try ScratchJob()
        try rig.baseline()
        let before = try rig.committed()
        for (name, bytes) in hostile.files {
            let path = rig.scratch.url("drop/" + name)
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            rig.scratch.setAge(path, 3_600)
        }
        let result = try rig.klaxon(["run", rig.job, "--now", rig.next, "--quiet"])
        #expect(result.status == 2, "\(result.stderr)")
        for message in hostile.messages { #expect(result.stderr.contains(message), "\(result.stderr.prefix(2_000))") }
        #expect(result.stderr.split(separator: "\n").allSatisfy { $0.count < 1_000 }, "a line of stderr quotes too much of the file")
        #expect(!result.stderr.contains("\u{1B}") && !result.stderr.contains("\r"), "control characters from the file reached stderr")
        let after = try rig.committed()
        for (key, outcome) in hostile.ledger { #expect(after.meta.ledger.entries[key]?.outcome == outcome, "\(key)") }
        #expect(after.total("C1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:10:00Z").attempts
                == before.total("C1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:10:00Z").attempts + hostile.counted)
        #expect(after.meta.outbox == before.meta.outbox, "the pending e-mail changed")
    }

    @Test func linksOutOfTheDropFolderDevicesAndPipesAreRefusedByName() throws {
        let rig = try ScratchJob()
        try rig.baseline()
        let before = try rig.committed()
        rig.scratch.write("outside.csv", cdrHeader + "2026-11-27 00:51:00,y,C1,P1,1,10,200,,0,0\n")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: rig.scratch.url("drop/cdrs/passwd.csv"), withDestinationPath: "/etc/passwd")
        try fm.createSymbolicLink(atPath: rig.scratch.url("drop/cdrs/up.csv"), withDestinationPath: "../../outside.csv")
        try fm.createSymbolicLink(atPath: rig.scratch.url("drop/cdrs/zero.csv"), withDestinationPath: "/dev/zero")
        try fm.createSymbolicLink(atPath: rig.scratch.url("drop/cdrs/loop.csv"), withDestinationPath: "loop.csv")
        #expect(mkfifo(rig.scratch.url("drop/cdrs/pipe.csv"), 0o600) == 0)
        // A link that stays inside the folder, however it is spelt, is followed.
        rig.scratch.write("drop/cdrs/archive/kept.csv", cdrHeader + "2026-11-27 00:52:00,z,C1,P1,1,10,200,,0,0\n")
        try fm.createSymbolicLink(atPath: rig.scratch.url("drop/cdrs/kept.csv"), withDestinationPath: "archive/../archive/./kept.csv")
        let result = try rig.klaxon(["run", rig.job, "--now", rig.next, "--quiet"])
        #expect(result.status == 2)
        for name in ["passwd.csv", "up.csv", "zero.csv"] {
            #expect(result.stderr.contains("refused cdrs/\(name): a symbolic link pointing outside the drop folder"), "\(result.stderr)")
        }
        #expect(result.stderr.contains("refused cdrs/pipe.csv: not a regular file"), "\(result.stderr)")
        #expect(result.stderr.contains("refused cdrs/loop.csv: a symbolic link that cannot be resolved"), "\(result.stderr)")
        let after = try rig.committed()
        #expect(after.meta.ledger.entries.keys.sorted() == (before.meta.ledger.entries.keys + ["cdrs/kept.csv"]).sorted(),
                "only the link inside the folder is taken")
        #expect(after.total("C1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:10:00Z").attempts == 2)
        #expect(after.meta.outbox == before.meta.outbox)
    }

    @Test func aOneGigabyteLineIsSkippedInBoundedMemory() throws {
        let rig = try ScratchJob()
        try rig.baseline()
        let path = rig.scratch.url("drop/cdrs/c-2.csv")
        _ = FileManager.default.createFile(atPath: path, contents: Data(Self.header))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<1_024 { try handle.write(contentsOf: megabyte) }
        try handle.write(contentsOf: Data(("\n" + "2026-11-27 00:51:00,y,C1,P1,1,10,200,,0,0\n").utf8))
        try handle.close()
        rig.scratch.setAge(path, 3_600)

        let started = Date()
        let result = try KlaxonBinary.runMeasuringMemory(["run", rig.job, "--now", rig.next, "--quiet"], output: rig.scratch.url("run.log"))
        let seconds = Date().timeIntervalSince(started)
        try? FileManager.default.removeItem(atPath: path)
        let output = rig.scratch.read("run.log") ?? ""
        #expect(result.status == 2, "\(output)")
        #expect(output.contains("c-2.csv:2: record longer than 1048576 bytes; skipped to line 3"), "\(output)")
        #expect(result.maxResidentKiB < 200 * 1_024, "peak memory \(result.maxResidentKiB) KiB for a 1 GiB line")
        #expect(try rig.committed().total("C1", from: "2026-11-27T00:51:00Z", to: "2026-11-27T00:52:00Z").attempts == 1)
        print("1 GiB line: skipped in \(String(format: "%.1f", seconds)) s, peak memory \(result.maxResidentKiB / 1_024) MiB")
    }

    // MARK: Scale

    @Test func aJobWith100000AlertsListsEveryProblemAndThenRuns() throws {
        let rig = try ScratchJob()
        try rig.baseline()
        var alerts = (0..<100_000).map { #"{ title: "Balance \#($0)", company: "C2", to: ["ops@acme.example"], area: "balance", operator: "<", threshold: 1 }"# }
        alerts[17_017] = #"{ title: "Balance 17017", company: "C2", to: ["ops@acme.example"], area: "balanse", operator: "<", threshold: 1 }"#
        alerts[50_000] = #"{ title: "Balance 50000", company: "C2", to: ["ops@acme.example"], area: "balance", operator: "<" }"#
        alerts[99_999] = #"{ title: "Balance 3", company: "C2", to: ["ops@acme.example"], area: "balance", operator: "<", threshold: 1 }"#
        rig.scratch.write("alerts/many.json5", "[" + alerts.joined(separator: ",\n") + "]", age: 0)
        try rig.editJob { $0.replacingOccurrences(of: "alerts: [", with: #"alert_files: ["alerts/*.json5"], alerts: ["#) }
        let before = try rig.stateTree()
        let refused = try rig.klaxon(["run", rig.job, "--now", rig.next])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the job is not valid (3 problems)"), "\(refused.stderr.prefix(2_000))")
        #expect(refused.stderr.contains("alert \"Balance 17017\": area: unknown area \"balanse\""))
        #expect(refused.stderr.contains("alert \"Balance 50000\": threshold:"))
        #expect(refused.stderr.contains("alert \"Balance 3\": title: duplicate title"))
        #expect(try rig.stateTree() == before)

        alerts[17_017] = alerts[17_016].replacingOccurrences(of: "17016", with: "17017")
        alerts[50_000] = alerts[49_999].replacingOccurrences(of: "49999", with: "50000")
        alerts[99_999] = alerts[99_998].replacingOccurrences(of: "99998", with: "99999")
        rig.scratch.write("alerts/many.json5", "[" + alerts.joined(separator: ",\n") + "]", age: 0)
        let ran = try rig.klaxon(["run", rig.job, "--now", rig.next])
        #expect(ran.status == 2, "the baseline e-mail is still pending: \(ran.stderr.prefix(1_000))")
        #expect(ran.stdout.contains("alerts: 100001 alerts, 100002 instances evaluated: 0 fired"), "\(ran.stdout)")
        #expect(try rig.committed().meta.instances.count == 100_002)
    }

    // MARK: Injection

    @Test(.enabled(if: TestPython.isAvailable, "python3 is not installed"))
    func headerInjectionInCompanyNamesAndAddressesNeverReachesAHeader() throws {
        let server = try LocalSMTPServer()
        let rig = try ScratchJob(emailURL: server.plainURL)
        try rig.editJob { $0.replacingOccurrences(of: #"name: "hostile","#, with: #"name: "hostile", brand: "ACME\r\nX-Injected: brand","#) }
        rig.scratch.write("templates/alert.subject", "{{brandName}} {{title}}: {{name}} ({{company.id}})", age: 0)
        rig.scratch.write("drop/balances/b-1.csv", """
        id,name,type,credit,email
        C1,"Evil Corp\r\nBcc: victim@evil.example",customer,5,"billing@c1.example\r\nBcc: evil@evil.example;ok@c1.example;x@c1.example>,<y@evil.example"
        C2,Beta,customer,50,

        """)
        let result = try rig.klaxon(["run", rig.job, "--now", rig.first])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("company C1: contact e-mail \"billing@c1.example Bcc: evil@evil.example\" is malformed; not used"), "\(result.stderr)")
        #expect(result.stderr.contains("company C1: contact e-mail \"x@c1.example>,<y@evil.example\" is malformed; not used"), "\(result.stderr)")
        let message = try #require(try server.received().first)
        #expect(message.rcptTos == ["ok@c1.example"])
        let text = String(decoding: message.data, as: UTF8.self)
        let header = String(text[..<(text.range(of: "\r\n\r\n")?.lowerBound ?? text.endIndex)])
        let fields = header.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }.map { $0.prefix { $0 != ":" }.lowercased() }
        #expect(Set(fields) == ["date", "from", "to", "subject", "message-id", "mime-version", "x-klaxon-job", "content-type", "content-transfer-encoding"], "\(header)")
    }

    @Test func csvInjectionCellsAreNeutralisedInEveryCSVKlaxonWrites() throws {
        let rig = try ScratchJob()
        rig.scratch.write("drop/balances/b-1.csv", """
        id,name,type,credit
        "=HYPERLINK(""http://evil.example"",""x"")",@SUM(A1),customer,5
        +C2,-2+3,customer,-4

        """)
        try FileManager.default.removeItem(atPath: rig.scratch.url("drop/cdrs/c-1.csv"))
        let result = try rig.klaxon(["run", rig.job, "--now", rig.first])
        // Neither company has contacts, so both firings reach no one: said, and exit 2.
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("but notified no one"), "\(result.stderr)")
        let report = try rig.klaxon(["report", rig.job, "--format", "csv", "--now", rig.first])
        let penalties = rig.scratch.read("out/penalties.csv") ?? ""
        let log = rig.scratch.read("state/penalties.log") ?? ""
        for (name, csv) in [("penalties.csv", penalties), ("penalties.log", log), ("report", report.stdout)] {
            #expect(csv.contains("'=HYPERLINK("), "\(name): \(csv)")
            for cell in Self.cells(csv) {
                #expect(!(cell.first.map { "=+@\t\r".contains($0) } ?? false), "\(name): a cell a spreadsheet would run: \(cell)")
                #expect(!(cell.hasPrefix("-") && Double(cell) == nil), "\(name): \(cell)")
            }
        }
    }

    /// The cells of a CSV text, quotes removed (enough for these files: no quoted newlines).
    static func cells(_ csv: String) -> [String] {
        csv.split(separator: "\n").flatMap { line -> [String] in
            var cells: [String] = [], cell = "", quoted = false, chars = Array(line), i = 0
            while i < chars.count {
                let c = chars[i]
                if quoted {
                    if c == "\"" { if i + 1 < chars.count, chars[i + 1] == "\"" { cell.append("\""); i += 1 } else { quoted = false } } else { cell.append(c) }
                } else if c == "\"" { quoted = true } else if c == "," { cells.append(cell); cell = "" } else { cell.append(c) }
                i += 1
            }
            return cells + [cell]
        }
    }
}
