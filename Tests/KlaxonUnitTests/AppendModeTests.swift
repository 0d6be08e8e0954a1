import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Feed health and live files" `mode: "append"`: the ledger's offset and prefix digest, and ingest of a file
/// that keeps growing, in every CSV format.
@Suite struct AppendModeTests {
    let row1 = "2026-11-27 00:10:00,a,C1,P1,1,10,200,,0,0\n"
    let row2 = "2026-11-27 00:11:00,b,C1,P1,1,0,503,,0,0\n"
    let row3 = "2026-11-27 00:12:00,c,C2,P1,1,20,200,,0,0\n"

    /// A job reading `drop/Master.csv` in append mode; `ingest` runs one ingest on `state`.
    struct Live {
        let scratch = Scratch()
        let format: String
        let pattern: String
        var path: String { scratch.url("drop/Master.csv") }

        init(format: String = "connexcs", pattern: String = "Master.csv") {
            self.format = format
            self.pattern = pattern
        }

        func write(_ content: String, age: TimeInterval = 60) { scratch.write("drop/Master.csv", content, age: age) }

        func append(_ content: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(content.utf8))
            try handle.close()
        }

        func ingest(_ state: inout KlaxonState, now: String = "2026-11-27T01:00:00Z",
                    alert: String = #"{ title: "Attempts", scope: { type: "any" }, to: [], area: "attempts", operator: "always", sample_period: "1d" }"#) throws -> [FileReport] {
            let job = try scratch.job("""
            { state: "state", inputs: { cdrs: { path: "drop", pattern: "\(pattern)", format: "\(format)", mode: "append" } },
              alerts: [ \(alert) ] }
            """)
            return try Ingest(job: job, now: epoch(now), wallClock: Date()).run(&state)
        }

        func file() -> DropFile {
            var info = stat()
            stat(path, &info)
            return DropFile(name: "Master.csv", path: path, size: Int64(info.st_size),
                            modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
        }
    }

    // MARK: the ledger's offset and prefix digest

    @Test func theStartFollowsTheLedgerEntry() throws {
        let live = Live()
        live.write(cdrHeader + row1 + row2)
        let offset = (cdrHeader + row1).utf8.count
        let prefix = BlockDigest.of(Array((cdrHeader + row1).utf8))
        var entry = FileLedger.Entry(size: 1, modified: 0, digest: prefix, outcome: .taken, takenAt: 0, offset: Int64(offset), lines: 2)

        guard case .fresh = try AppendedFile.start(of: live.file(), entry: nil) else { Issue.record("no entry: from the start"); return }
        guard case .resume(let from, let lines, let digest) = try AppendedFile.start(of: live.file(), entry: entry) else {
            Issue.record("an unchanged prefix resumes at the offset"); return
        }
        #expect(from == offset && lines == 2 && digest.finalize() == prefix)

        entry.size = live.file().size
        entry.modified = live.file().modified
        guard case .unchanged = try AppendedFile.start(of: live.file(), entry: entry) else { Issue.record("same size and time: nothing new"); return }
    }

    @Test func aTruncatedOrRewrittenPrefixRestartsFromTheBeginning() throws {
        let live = Live()
        live.write(cdrHeader + row1 + row2)
        let offset = (cdrHeader + row1).utf8.count
        let entry = FileLedger.Entry(size: 1, modified: 0, digest: BlockDigest.of(Array((cdrHeader + row1).utf8)),
                                     outcome: .taken, takenAt: 0, offset: Int64(offset), lines: 2)
        // Truncated (rotated to a new, shorter file).
        live.write(cdrHeader)
        guard case .restart(let shorter) = try AppendedFile.start(of: live.file(), entry: entry) else { Issue.record("a shorter file restarts"); return }
        #expect(shorter.contains("shorter"))
        // One earlier byte rewritten, the file longer than ever.
        live.write(cdrHeader + row1.replacingOccurrences(of: ",a,", with: ",A,") + row2 + row3)
        guard case .restart(let changed) = try AppendedFile.start(of: live.file(), entry: entry) else { Issue.record("a changed byte restarts"); return }
        #expect(changed.contains("changed"))
    }

    @Test func aPartialLastLineIsLeftForTheNextRun() throws {
        let live = Live()
        live.write(cdrHeader + row1 + "2026-11-27 00:11:00,b,C1")
        #expect(try AppendedFile.completeEnd(of: live.file(), from: 0) == (cdrHeader + row1).utf8.count)
        let offset = (cdrHeader + row1).utf8.count
        #expect(try AppendedFile.completeEnd(of: live.file(), from: offset) == offset, "no line end after the offset: nothing to read")
    }

    // MARK: ingest

    @Test func eachRunReadsOnlyTheCompleteLinesAddedSinceTheLast() throws {
        let live = Live()
        var state = KlaxonState()
        live.write(cdrHeader + row1 + "2026-11-27 00:11:00,b,C1")
        let first = try live.ingest(&state)
        #expect(first.map(\.outcome) == [.taken] && first.first?.rows == 1)
        #expect(state.meta.ledger.entries["cdrs/Master.csv"]?.offset == Int64((cdrHeader + row1).utf8.count))

        try live.append(",P1,1,0,503,,0,0\n" + row3 + "2026-11-27 00:13")
        let second = try live.ingest(&state)
        #expect(second.first?.rows == 2 && second.first?.rejectedRows == 0, "the header is not read again as a row")
        #expect(try live.ingest(&state).isEmpty, "nothing new: nothing read")
        try live.append(":00,d,C2,P1,1,0,503,,0,0\nnot,a,row\n")
        let third = try live.ingest(&state)
        #expect(third.first?.rows == 2 && third.first?.rejectedRows == 1)
        #expect(third.first?.rejections.first?.contains("Master.csv:6:") == true, "rejections keep the file's line numbers: \(third.first?.rejections ?? [])")
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 2)
        #expect(state.buckets["C2"]?.total(from: 0, to: .max).attempts == 2)
        #expect(state.buckets["P1"]?.total(from: 0, to: .max).attempts == 4)
    }

    @Test func aRotatedFileIsReadAsANewFileWithANotice() throws {
        let live = Live()
        var state = KlaxonState()
        live.write(cdrHeader + row1 + row2)
        _ = try live.ingest(&state)
        live.write(cdrHeader + row3)
        let reports = try live.ingest(&state)
        #expect(reports.first?.rows == 1)
        #expect(reports.first?.warnings?.first?.contains("read again as a new file from its start") == true)
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 2, "what was counted stays counted")
        #expect(state.buckets["C2"]?.total(from: 0, to: .max).attempts == 1)
        #expect(state.meta.ledger.entries["cdrs/Master.csv"]?.lines == 2)
    }

    /// Rotation by renaming, with a pattern that matches the rotated file too: the renamed
    /// file goes on from where its old name stopped (its unread last lines are counted, its
    /// read ones are not counted again), and the new file is read from its start.
    @Test func aRenamedRotationContinuesWhereTheOldNameStopped() throws {
        let live = Live(pattern: "Master.csv*")
        var state = KlaxonState()
        live.write(cdrHeader + row1 + row2)
        _ = try live.ingest(&state)
        try live.append(row3)
        try FileManager.default.moveItem(atPath: live.path, toPath: live.path + ".1")
        live.write(cdrHeader + "2026-11-27 00:20:00,d,C2,P1,1,0,503,,0,0\n")
        let reports = try live.ingest(&state)
        #expect(reports.map(\.name) == ["Master.csv", "Master.csv.1"])
        #expect(reports.map(\.rows) == [1, 1], "\(reports)")
        #expect(reports.last?.warnings?.first?.contains("already read from cdrs/Master.csv") == true)
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 2)
        #expect(state.buckets["C2"]?.total(from: 0, to: .max).attempts == 2)
        #expect(try live.ingest(&state).isEmpty)
    }

    /// A rotation with nothing new in the rotated file, then a second, numbered rotation:
    /// every line is counted once (found by review: the rotated name was read whole again).
    @Test func numberedRotationsWithNothingNewCountEachLineOnce() throws {
        let live = Live(pattern: "Master.csv*")
        var state = KlaxonState()
        live.write(cdrHeader + row1 + row2)
        _ = try live.ingest(&state)
        // Rotated with nothing appended since the last run: Master.csv.1 holds only lines already counted.
        try FileManager.default.moveItem(atPath: live.path, toPath: live.path + ".1")
        live.write(cdrHeader + row3)
        _ = try live.ingest(&state)
        _ = try live.ingest(&state)
        // The second rotation: .1 becomes .2, the live file becomes .1, and a new live file starts.
        try FileManager.default.moveItem(atPath: live.path + ".1", toPath: live.path + ".2")
        try FileManager.default.moveItem(atPath: live.path, toPath: live.path + ".1")
        live.write(cdrHeader + "2026-11-27 00:20:00,d,C2,P1,1,0,503,,0,0\n")
        _ = try live.ingest(&state)
        _ = try live.ingest(&state)
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 2, "rows 1 and 2, once each")
        #expect(state.buckets["C2"]?.total(from: 0, to: .max).attempts == 2, "row 3 and the last row, once each")
    }

    /// Found by review: a live file never fed the call log, so per-call alerts saw no call.
    @Test func aLiveFileFeedsTheCallLogOfPerCallAlerts() throws {
        let live = Live()
        var state = KlaxonState()
        let longest = #"{ title: "Long", scope: { type: "any" }, to: [], area: "max_duration", operator: ">", threshold: 5, sample_period: "1d" }"#
        live.write(cdrHeader + row1)
        _ = try live.ingest(&state, alert: longest)
        try live.append(row3)
        _ = try live.ingest(&state, alert: longest)
        #expect(state.meta.fraud?.log?.calls["C1"]?.map(\.duration) == [10])
        #expect(state.meta.fraud?.log?.calls["C2"]?.map(\.duration) == [20])
    }

    @Test func aFileThatIsNoExportIsRejectedOnceUntilItChanges() throws {
        let live = Live(format: "connexcs")
        var state = KlaxonState()
        live.write("just,some,words\nand,more,words\n")
        #expect(try live.ingest(&state).map(\.outcome) == [.rejected])
        #expect(try live.ingest(&state).isEmpty, "unchanged: not reported again")
        live.write(cdrHeader + row1, age: 30)
        #expect(try live.ingest(&state).map(\.outcome) == [.taken])
        #expect(state.meta.ledger.entries["cdrs/Master.csv"]?.offset == Int64((cdrHeader + row1).utf8.count))
    }

    /// A Master.csv appended at arbitrary byte boundaries, run after run, counts what
    /// reading it whole counts: FreeSWITCH and header-less Asterisk exports.
    @Test(arguments: [("freeswitch", "freeswitch/Master.csv.2026-11-26-20-00-00", "2026-11-26T21:00:00Z"),
                      ("asterisk", "asterisk/Master.csv-2026112702", "2026-11-27T03:00:00Z")])
    func switchExportsAppendedInPiecesCountAsReadWhole(format: String, fixture: String, now: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: Repository.path("fixtures/" + fixture)))
        let whole = Scratch()
        whole.write("cdrs/Master.csv", String(decoding: bytes, as: UTF8.self))
        let (expected, _) = try ingestCDRs(folder: whole.url("cdrs"), format: format, now: now, scratch: whole)

        let live = Live(format: format)
        var state = KlaxonState()
        var random = SplitMix64(seed: 14)
        var written = 0
        live.write("")
        while written < bytes.count {
            let next = min(bytes.count, written + 1 + Int(random.next() % 20_000))
            try live.append(String(decoding: bytes[written..<next], as: UTF8.self))
            written = next
            let reports = try live.ingest(&state, now: now)
            #expect(reports.allSatisfy { $0.rejectedRows == 0 && $0.outcome != .rejected }, "\(reports)")
        }
        #expect(state.meta.ledger.entries["cdrs/Master.csv"]?.offset == Int64(bytes.count))
        #expect(!expected.buckets.isEmpty)
        for (company, buckets) in expected.buckets {
            #expect(state.buckets[company]?.total(from: 0, to: .max) == buckets.total(from: 0, to: .max), "\(format) \(company)")
        }
    }

    // MARK: check

    @Test func checkRefusesAnUnknownModeAndAppendOnBalances() throws {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "state", inputs: { balances: { path: "b", mode: "append" }, cdrs: { path: "c", mode: "tail" } },
          alerts: [] }
        """, age: 0)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else { Issue.record("accepted"); return }
        let text = error.problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("inputs.cdrs.mode: unknown mode \"tail\""))
        #expect(text.contains("inputs.balances.mode: \"append\" is for CDR inputs only"))
    }
}
