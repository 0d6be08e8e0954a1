import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct IngestTests {
    let jobText = """
    { name: "t", state: "state",
      inputs: { balances: { path: "drop/balances", pattern: "*.csv" }, cdrs: { path: "drop/cdrs", pattern: "*.csv" } },
      email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
      alerts: [ { title: "ASR", scope: { type: "any" }, to: ["noc@example.com"], area: "asr", operator: "<", threshold: 30, sample_period: "1h", min_calls: 1 } ] }
    """

    func ingest(_ scratch: Scratch, _ state: inout KlaxonState, now: String) throws -> [FileReport] {
        let job = try scratch.job(jobText)
        for folder in ["drop/balances", "drop/cdrs"] {
            try FileManager.default.createDirectory(atPath: scratch.url(folder), withIntermediateDirectories: true)
        }
        return try Ingest(job: job, now: epoch(now), wallClock: Date()).run(&state)
    }

    @Test func unsettledAndTemporaryFilesAreLeftForALaterRun() throws {
        let scratch = Scratch()
        scratch.write("drop/cdrs/a.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n")
        scratch.write("drop/cdrs/b.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n", age: 2)
        scratch.write("drop/cdrs/.c.csv", cdrHeader)
        scratch.write("drop/cdrs/d.csv.part", cdrHeader)
        scratch.write("drop/cdrs/e.csv.tmp", cdrHeader)
        var state = KlaxonState()
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.filter { $0.outcome == .taken }.map(\.name) == ["a.csv"])
        #expect(reports.contains { $0.name == "b.csv" && $0.outcome == .waiting })
        #expect(state.meta.ledger.entries.keys.sorted() == ["cdrs/a.csv"])
    }

    @Test func filesAreTakenInNameOrderAndNeverCountedTwice() throws {
        let scratch = Scratch()
        scratch.write("drop/cdrs/2.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n")
        scratch.write("drop/cdrs/1.csv", cdrHeader + "2026-11-27 00:11:00,y,C1,P1,1,0,503,,0,0\n")
        var state = KlaxonState()
        let first = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(first.map(\.name) == ["1.csv", "2.csv"])
        let second = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(second.isEmpty)
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 2)
    }

    @Test func aChangedFileUnderATakenNameIsAConflictAndNotCountedAgain() throws {
        let scratch = Scratch()
        scratch.write("drop/cdrs/a.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n")
        var state = KlaxonState()
        _ = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        scratch.write("drop/cdrs/a.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n2026-11-27 00:12:00,z,C1,P1,1,10,200,,0,0\n")
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.map(\.outcome) == [.conflict])
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 1)
    }

    @Test func theSameExportUnderANewNameIsADuplicateNotCountedTwice() throws {
        let scratch = Scratch()
        let content = cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n"
        scratch.write("drop/cdrs/a.csv", content)
        var state = KlaxonState()
        _ = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        scratch.write("drop/cdrs/a-copy.csv", content)
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.map(\.outcome) == [.duplicate])
        #expect(state.buckets["C1"]?.total(from: 0, to: .max).attempts == 1)
    }

    @Test func theNewestBalanceSnapshotSupersedesOlderOnes() throws {
        let scratch = Scratch()
        scratch.write("drop/balances/b-01.csv", "id,credit\nC1,5\nC2,7\n")
        scratch.write("drop/balances/b-02.csv", "id,credit\nC1,50\n")
        var state = KlaxonState()
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.map(\.outcome) == [.taken, .superseded])
        #expect(state.meta.companies["C1"]?.company.credit == 50)
        #expect(state.meta.companies["C2"] == nil, "the superseded snapshot is not read")
        // An older export arriving late does not replace the newer snapshot.
        scratch.write("drop/balances/b-00.csv", "id,credit\nC1,1\n")
        _ = try ingest(scratch, &state, now: "2026-11-27T02:00:00Z")
        #expect(state.meta.companies["C1"]?.company.credit == 50)
    }

    @Test func theDirtyFixtureRejectsEachBadRowWithFileAndLineAndUsesTheRest() throws {
        let scratch = Scratch()
        scratch.write("drop/balances/b.csv", "id,type\nC100,customer\nP10,carrier\nP20,carrier\n")
        let dirty = try String(contentsOfFile: Repository.path("fixtures/dirty/cdrs-dirty.csv"), encoding: .utf8)
        let path = scratch.write("drop/cdrs/cdrs-dirty.csv", dirty)
        var state = KlaxonState()
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        let report = try #require(reports.first { $0.name == "cdrs-dirty.csv" })
        #expect(report.outcome == .taken)
        #expect(report.folded == 6)
        #expect(report.rejectedRows == 7)
        #expect(report.tooOld == 1)
        #expect(report.inFuture == 1)
        let lines = report.rejections.map { $0.replacingOccurrences(of: path + ":", with: "") }
        #expect(lines.contains { $0.hasPrefix("6: wrong field count") })
        #expect(lines.contains { $0.hasPrefix("7: unparsable duration") })
        #expect(lines.contains { $0.hasPrefix("8: unparsable time") })
        #expect(lines.contains { $0.hasPrefix("9: unknown company \"C999\"") })
        #expect(lines.contains { $0.hasPrefix("12: empty customer_id") })
        #expect(lines.contains { $0.hasPrefix("16: unparsable sip_code") })
        #expect(lines.contains { $0.hasPrefix("18:") && $0.lowercased().contains("quote") })
        let total = try #require(state.buckets["C100"]).total(from: 0, to: .max)
        #expect(total.attempts == 6)
        #expect(total.connected == 4)
        #expect(total.talkSeconds == 60 + 120 + 45 + 15)
    }

    @Test func aBinaryFileIsRejectedWholeAndNothingOfItIsCounted() throws {
        let scratch = Scratch()
        let path = scratch.url("drop/cdrs/garbage.csv")
        try FileManager.default.createDirectory(atPath: scratch.url("drop/cdrs"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
        scratch.setAge(path, 3600)
        var state = KlaxonState()
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.first?.outcome == .rejected)
        #expect(state.buckets.isEmpty)
        #expect(state.meta.ledger.entries["cdrs/garbage.csv"]?.outcome == .rejected)
    }

    @Test func aFileWithoutTheRequiredColumnsIsRejectedWhole() throws {
        let scratch = Scratch()
        scratch.write("drop/cdrs/a.csv", "when,who\n2026-11-27 00:10:00,C1\n")
        var state = KlaxonState()
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.first?.outcome == .rejected)
    }

    @Test func columnOverridesMapOtherHeaderNames() throws {
        let scratch = Scratch()
        scratch.write("job.json5", "")
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop", columns: { dt: "start_time", customer_id: "account", duration: "billsec", sip_code: "code" } } } }
        """)
        scratch.write("drop/x.csv", "start_time,account,billsec,code\n2026-11-27 00:10:00,C7,33,200\n")
        var state = KlaxonState()
        _ = try Ingest(job: job, now: epoch("2026-11-27T01:00:00Z"), wallClock: Date()).run(&state)
        #expect(state.buckets["C7"]?.total(from: 0, to: .max).talkSeconds == 33)
    }

    @Test func aSymlinkPointingOutsideTheDropFolderIsNotFollowed() throws {
        let scratch = Scratch()
        scratch.write("outside.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n")
        try FileManager.default.createDirectory(atPath: scratch.url("drop/cdrs"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.url("drop/cdrs/link.csv"), withDestinationPath: scratch.url("outside.csv"))
        var state = KlaxonState()
        let reports = try ingest(scratch, &state, now: "2026-11-27T01:00:00Z")
        #expect(reports.first?.outcome == .refused)
        #expect(reports.first?.reason?.contains("outside the drop folder") == true)
        #expect(state.buckets.isEmpty)
    }
}

@Suite struct MissingInputTests {
    @Test func aMissingDropFolderIsReportedAndTheOtherInputStillRead() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "nowhere" }, cdrs: { path: "drop" } } }
        """)
        scratch.write("drop/a.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0\n")
        var state = KlaxonState()
        let reports = try Ingest(job: job, now: epoch("2026-11-27T01:00:00Z"), wallClock: Date()).run(&state)
        #expect(reports.first?.outcome == .rejected)
        #expect(reports.first?.reason?.contains("does not exist") == true)
        #expect(reports.last?.outcome == .taken)
    }
}
