import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The ledger's file digest (`BlockDigest`, format b1): the same value whether
/// a file is digested whole or by the two range readers of a split read, so
/// that the ledger tells a duplicate, a conflict and an untouched file apart.
@Suite struct FileDigestTests {
    static let block = BlockDigest.blockSize

    /// `(i * 7 + 3) & 0xFF` for i in 0..<n.
    static func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } }

    @Test func xxh64MatchesTheReferenceVectorsWhateverTheChunking() {
        func xxh64(_ bytes: [UInt8], seed: UInt64 = 0, chunks: [Int] = []) -> UInt64 {
            var h = XXH64(seed: seed)
            bytes.withUnsafeBytes { raw in
                var at = 0
                var i = 0
                while at < raw.count {
                    let n = chunks.isEmpty ? raw.count : min(chunks[i % chunks.count], raw.count - at)
                    h.update(raw.baseAddress! + at, n)
                    at += n
                    i += 1
                }
            }
            return h.finalize()
        }
        // Values of the reference implementation (libxxhash 0.8).
        #expect(xxh64([]) == 0xEF46_DB37_51D8_E999)
        #expect(xxh64(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        #expect(xxh64(alphabet, seed: 5) == 0x43F7_1D9D_F221_0834)
        let bytes = (0..<768).map { UInt8($0 & 0xFF) }
        for chunks in [[], [1], [3, 29, 64], [31], [32], [33], [100, 7]] {
            #expect(xxh64(bytes, chunks: chunks) == 0x8E03_C838_C596_036F, "chunks \(chunks)")
        }
    }

    @Test func theFormatIsPinned() {
        // Computed outside Klaxon from the definition (libxxhash over 1 MiB blocks, then over their hashes and the length).
        let expected: [Int: String] = [
            0: "b1:caaac9a5aaa93d86", 1: "b1:3a6da45682e621ec", 31: "b1:8c224ec784d6c26d", 32: "b1:a3c40d0adf56ab95",
            Self.block - 1: "b1:acd34aaa4c3b34b1", Self.block: "b1:84f0eb9fe1907999", Self.block + 1: "b1:cd1f58ab003aba2e",
            2 * Self.block + 123: "b1:1790d92573656a7c",
        ]
        for (n, digest) in expected {
            #expect(BlockDigest.of(Self.pattern(n)) == digest, "\(n) bytes")
        }
    }

    @Test func piecesOnBlockBoundariesGiveTheWholeFilesDigestAndOthersNone() {
        let bytes = Self.pattern(3 * Self.block + 5)
        let whole = BlockDigest.of(bytes)
        bytes.withUnsafeBytes { raw in
            func piece(_ range: Range<Int>, feeds: [Int] = [7_777]) -> BlockDigest {
                var d = BlockDigest(start: range.lowerBound)
                var at = range.lowerBound
                var i = 0
                while at < range.upperBound {
                    let n = min(feeds[i % feeds.count], range.upperBound - at)
                    d.update(UnsafeRawBufferPointer(rebasing: raw[at..<at + n]), at: at)
                    at += n
                    i += 1
                }
                return d
            }
            let n = bytes.count
            for cut in [0, Self.block, 2 * Self.block, 3 * Self.block] {
                #expect(BlockDigest.finalize([piece(0..<cut), piece(cut..<n, feeds: [1, 65_536, 31])], length: n) == whole, "cut \(cut)")
            }
            #expect(BlockDigest.finalize([piece(0..<Self.block), piece(Self.block..<2 * Self.block), piece(2 * Self.block..<n)], length: n) == whole)
            // An overlap, a first piece ending inside a block, a gap, a wrong length, bytes fed out of place.
            #expect(BlockDigest.finalize([piece(0..<Self.block + 1), piece(Self.block..<n)], length: n) == nil)
            #expect(BlockDigest.finalize([piece(0..<Self.block + 1)], length: Self.block + 1) != nil)
            #expect(BlockDigest.finalize([piece(0..<Self.block - 1), piece(Self.block..<n)], length: n) == nil)
            #expect(BlockDigest.finalize([piece(0..<Self.block), piece(2 * Self.block..<n)], length: n) == nil)
            #expect(BlockDigest.finalize([piece(0..<n)], length: n + 1) == nil)
            var holed = BlockDigest()
            holed.update(UnsafeRawBufferPointer(rebasing: raw[0..<10]), at: 0)
            holed.update(UnsafeRawBufferPointer(rebasing: raw[11..<20]), at: 11)
            #expect(BlockDigest.finalize([holed], length: holed.end) == nil)
        }
    }

    // MARK: - The readers' digest is DropFolder's

    /// Well-formed CDR rows, `size` bytes in all; with `lineStartAt`, a line starts exactly there.
    static func export(size: Int, lineStartAt mark: Int? = nil, bom: Bool = false, seed: Int = 0) -> String {
        var out = (bom ? "\u{FEFF}" : "") + cdrHeader
        var length = out.utf8.count
        var i = seed
        func row(_ k: Int, pad: Int = 0) -> String {
            let connected = k % 3 != 0
            return "2026-11-27 00:\(10 + k % 40):00,c\(k)\(String(repeating: "x", count: pad)),C\(1 + k % 5),P\(1 + k % 2),44\(k),"
                + (connected ? "\(1 + k % 300),200" : "0,486") + ",\(100 + k % 900),0.01,0.005" + (k % 4 == 0 ? "\r\n" : "\n")
        }
        // Rows up to `target`, the last one padded to end exactly there.
        func fill(to target: Int) {
            while true {
                let next = row(i)
                if length + next.utf8.count + 200 > target {
                    let pad = target - length - next.utf8.count
                    precondition(pad >= 0, "target too close")
                    let exact = row(i, pad: pad)
                    i += 1
                    out += exact
                    length += exact.utf8.count
                    return
                }
                out += next
                length += next.utf8.count
                i += 1
            }
        }
        if let mark { fill(to: mark) }
        fill(to: size)
        precondition(out.utf8.count == size)
        return out
    }

    /// Reads `content` as one CDR file with CDRFileReader; returns the staging and the file's DropFolder digest.
    func readerDigest(_ content: String, splitThreshold: Int = 1) throws -> (parts: Int, digest: String, whole: String) {
        let scratch = Scratch()
        let read = readCDRFile(content, splitThreshold: splitThreshold, scratch: scratch)
        let staging = try #require(read.staging, "\(read.report.reason ?? "")")
        #expect(read.report.outcome == .taken)
        let whole = try DropFolder.digest(of: read.path)
        #expect(whole == BlockDigest.of(Array(content.utf8)))
        return (staging.parts.count, staging.digest, whole)
    }

    @Test func aSplitReadDigestsTheFileAsDropFolderDoesAroundBlockBoundaries() throws {
        let b = Self.block
        // (size, line start that becomes the split point): the split point on, just
        // before and just after a block boundary; the file ending on one; a cut at 0.
        let cases: [(size: Int, mark: Int?)] = [
            (2 * b - 10, b), (2 * b - 8, b + 1), (2 * b - 12, b - 1),
            (2 * b, nil), (3 * b, nil), (3 * b + 1, nil), (2 * b - 1, nil), (2 * b + 1, nil),
            (b, nil), (b + 1, nil), (b - 1, nil), (300_000, nil),
        ]
        for (n, (size, mark)) in cases.enumerated() {
            for bom in [false, true] {
                let content = Self.export(size: size, lineStartAt: mark, bom: bom, seed: n * 1_000)
                if let mark {
                    let bytes = Array(content.utf8)
                    #expect(bytes[mark - 1] == 0x0A && !bytes[size / 2..<mark - 1].contains(0x0A), "the split point is \(mark)")
                }
                let split = try readerDigest(content)
                #expect(split.parts == 2, "size \(size) read in two ranges")
                #expect(split.digest == split.whole, "size \(size), split at \(mark.map(String.init) ?? "the middle"), BOM \(bom)")
                let onePiece = try readerDigest(content, splitThreshold: .max)
                #expect(onePiece.parts == 1)
                #expect(onePiece.digest == split.whole)
            }
        }
    }

    @Test func smallEmptyAndRefusedSplitFilesDigestAsDropFolderDoes() throws {
        for content in ["", "\u{FEFF}", cdrHeader, cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,10,200,,0,0"] {
            let read = try readerDigest(content)
            #expect(read.digest == read.whole, "\(content.utf8.count) bytes")
        }
        // The middle line end inside a quoted field: the split is refused and the file read again whole.
        let lines = Self.export(size: 2 * Self.block + 4_321).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var quoted = lines
        quoted.insert("2026-11-27 00:30:00,\"" + String(repeating: "multi\nline\n", count: 20_000) + "\",C1,P1,1,10,200,,0,0", at: lines.count / 2)
        let read = try readerDigest(quoted.joined(separator: "\n"))
        #expect(read.parts == 1)
        #expect(read.digest == read.whole)
        // Generated dirt: BOM, CRLF, quoted line breaks.
        let dirty = try readerDigest(GeneratedExport(rows: 40_000, seed: 3).text)
        #expect(dirty.digest == dirty.whole)
    }

    // MARK: - The ledger: duplicates, conflicts, touched files

    static let jobText = """
    { name: "t", state: "state",
      inputs: { balances: { path: "drop/balances", pattern: "*.csv", settle: "0s" }, cdrs: { path: "drop/cdrs", pattern: "*.csv", settle: "0s" } },
      alerts: [ { title: "ASR", scope: { type: "any" }, to: [], area: "asr", operator: "<", threshold: 30, sample_period: "1h", min_calls: 1 } ] }
    """

    func ingest(_ scratch: Scratch, _ state: inout KlaxonState, splitThreshold: Int = 4 << 20) throws -> [FileReport] {
        let job = try scratch.job(Self.jobText)
        for folder in ["drop/balances", "drop/cdrs"] {
            try FileManager.default.createDirectory(atPath: scratch.url(folder), withIntermediateDirectories: true)
        }
        var ingest = Ingest(job: job, now: epoch("2026-11-27T01:00:00Z"), wallClock: Date())
        ingest.splitThreshold = splitThreshold
        return try ingest.run(&state)
    }

    func attempts(_ state: KlaxonState) -> Int64 {
        state.buckets.filter { $0.key.hasPrefix("C") }.values.reduce(0) { $0 + Int64($1.total(from: 0, to: .max).attempts) }
    }

    @Test func theSameContentUnderANewNameIsADuplicateWhicheverReaderDigestedIt() throws {
        for splitThreshold in [Int.max, 1] {
            let scratch = Scratch()
            let content = Self.export(size: 5_000)
            let path = scratch.write("drop/cdrs/a.csv", content)
            var state = KlaxonState()
            #expect(try ingest(scratch, &state, splitThreshold: splitThreshold).map(\.outcome) == [.taken])
            #expect(try #require(state.meta.ledger.entries["cdrs/a.csv"]).digest == (try DropFolder.digest(of: path)))
            let counted = attempts(state)
            // Another file of the same size first: its content differs, so it is taken.
            scratch.write("drop/cdrs/b.csv", Self.export(size: 5_000, seed: 77))
            scratch.write("drop/cdrs/c.csv", content)
            let reports = try ingest(scratch, &state, splitThreshold: splitThreshold)
            #expect(reports.map(\.outcome) == [.taken, .duplicate], "split threshold \(splitThreshold)")
            #expect(reports.last?.reason?.contains("cdrs/a.csv") == true)
            #expect(attempts(state) > counted)
            let afterB = attempts(state)
            scratch.write("drop/cdrs/d.csv", content)
            #expect(try ingest(scratch, &state, splitThreshold: splitThreshold).map(\.outcome) == [.duplicate])
            #expect(attempts(state) == afterB)
        }
    }

    @Test func aTouchedButUnchangedFileIsPassedOver() throws {
        let scratch = Scratch()
        let path = scratch.write("drop/cdrs/a.csv", Self.export(size: 4_000))
        var state = KlaxonState()
        _ = try ingest(scratch, &state)
        let counted = attempts(state)
        scratch.setAge(path, 60)
        #expect(try ingest(scratch, &state).isEmpty)
        #expect(attempts(state) == counted)
        #expect(state.meta.ledger.entries["cdrs/a.csv"]?.digest == (try DropFolder.digest(of: path)))
        scratch.setAge(path, 30)
        #expect(try ingest(scratch, &state).isEmpty)
    }

    @Test func changedContentUnderATakenNameIsAConflict() throws {
        let scratch = Scratch()
        scratch.write("drop/cdrs/a.csv", Self.export(size: 4_000))
        var state = KlaxonState()
        _ = try ingest(scratch, &state)
        let counted = attempts(state)
        for changed in [Self.export(size: 4_000, seed: 5), Self.export(size: 4_100)] {
            let recorded = state.meta.ledger.entries["cdrs/a.csv"]?.digest
            scratch.write("drop/cdrs/a.csv", changed, age: 20)
            #expect(try ingest(scratch, &state).map(\.outcome) == [.conflict])
            #expect(attempts(state) == counted)
            #expect(state.meta.ledger.entries["cdrs/a.csv"]?.digest == recorded)
            scratch.write("drop/cdrs/a.csv", Self.export(size: 4_000), age: 3_600)
        }
    }

    @Test func aCopiedBalanceSnapshotIsADuplicate() throws {
        let scratch = Scratch()
        let snapshot = "id,type\nC1,customer\nP1,carrier\n"
        scratch.write("drop/balances/b-1.csv", snapshot)
        var state = KlaxonState()
        _ = try ingest(scratch, &state)
        scratch.write("drop/balances/b-2.csv", snapshot)
        #expect(try ingest(scratch, &state).map(\.outcome) == [.duplicate])
    }
}
