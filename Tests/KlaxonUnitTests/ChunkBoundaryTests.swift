import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Staging works in chunks: the CSV reader reads a file 1 MiB at a time (a
/// row can start in one read and end in the next), and `BucketRuns` writes
/// its closed buckets onto a log of 4 MiB chunks (a record never straddles
/// two, and `group()` reads them back chunk by chunk). Both boundaries are
/// crossed here and the result compared with a plain reference computation.
@Suite struct ChunkBoundaryTests {
    /// The CSV reader's default read size.
    static let readChunk = 1 << 20

    @Test func rowsAcrossTheReadersChunkBoundariesReadAsThePlainReference() throws {
        var text = GeneratedExport(rows: 40_000, seed: 5).text
        // A row must straddle the first boundary: the byte before it is no line end.
        if Array(text.utf8)[Self.readChunk - 1] == UInt8(ascii: "\n") {
            text = text.replacingOccurrences(of: ",c0,", with: ",cx0,")
        }
        let bytes = Array(text.utf8)
        try #require(bytes.count > 2 * Self.readChunk, "the file spans at least three reads")
        #expect(bytes[Self.readChunk - 1] != UInt8(ascii: "\n"))
        let tests = IngestReferenceTests()
        try tests.expectSame(text, splitThreshold: Int.max)
        try tests.expectSame(text, splitThreshold: 1)
    }

    /// Staged buckets for `companies`, rows interleaved so that nearly every
    /// row closes a bucket; `outOfOrder` sends some minutes back.
    private func stage(into runs: BucketRuns, companies: Int, minutes: Int, outOfOrder: Bool, seed: UInt64) -> StagingReference {
        var reference = StagingReference()
        var generator = SplitMix64(seed: seed)
        runs.reserve(companies: companies)
        for m in 0..<minutes {
            for i in 0..<companies {
                var minute = Int32(29_000_000 + m)
                if outOfOrder && Int.random(in: 0..<10, using: &generator) == 0 { minute -= Int32.random(in: 1...5, using: &generator) }
                var bucket = stagingBucket(minute: minute, using: &generator)
                // Now and then sums past 32 bits, which stage as several buckets of a minute.
                if Int.random(in: 0..<500, using: &generator) == 0 { bucket.talkSeconds = 5_000_000_000 }
                runs.add(bucket, company: i)
                reference.add(bucket, company: i)
            }
        }
        runs.group()
        return reference
    }

    private func expectMatches(_ runs: BucketRuns, _ reference: StagingReference, companies: Int) {
        var mismatches: [Int] = []
        for i in 0..<companies where runs.buckets(of: i).buckets != reference.sortedBuckets(of: i) { mismatches.append(i) }
        #expect(mismatches.isEmpty, "companies differing from the reference: \(mismatches.prefix(20))")
    }

    @Test func closedBucketsAcrossManySmallLogChunksGroupAsThePlainReference() {
        // 256-byte chunks hold about ten records, so nearly every company's
        // bytes are gathered from several chunks.
        for outOfOrder in [false, true] {
            let runs = BucketRuns(logChunkSize: 256)
            let reference = stage(into: runs, companies: 37, minutes: 60, outOfOrder: outOfOrder, seed: outOfOrder ? 2 : 1)
            #expect(runs.verifyInvariants())
            expectMatches(runs, reference, companies: 37)
            // In order (and with no minute split for its 32-bit sums), a company's
            // bytes are handed over as they were encoded, and decode to the same.
            let handedOver = (0..<37).compactMap { i in runs.encoded(of: i).map { (i, $0) } }
            #expect(outOfOrder ? handedOver.count < 37 : handedOver.count > 30)
            #expect(handedOver.allSatisfy { i, encoded in encoded.decoded() == reference.sortedBuckets(of: i) })
        }
    }

    @Test func aFirstRunsWorthOfClosedBucketsCrossesTheDefaultLogChunk() {
        let companies = 1_500, minutes = 200
        let runs = BucketRuns()
        let reference = stage(into: runs, companies: companies, minutes: minutes, outOfOrder: false, seed: 3)
        // What the log held: each record's 5-byte head and its bytes.
        let logged = (0..<companies).reduce(0) { sum, i in
            guard let encoded = runs.encoded(of: i) else { return sum }
            return sum + encoded.rest.count + 5 * encoded.count
        }
        #expect(logged > ClosedBucketLog.defaultChunkSize, "the log needed a second chunk")
        #expect(runs.verifyInvariants())
        expectMatches(runs, reference, companies: companies)
    }
}
