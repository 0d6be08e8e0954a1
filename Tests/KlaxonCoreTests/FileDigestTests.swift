import Foundation
import Testing
@testable import KlaxonCore

/// The ledger's file digest (`BlockDigest`, format b1): the same value whether
/// a file is digested whole or by the two range readers of a split read, and
/// the older format (`ContentDigest`) still honoured for entries that hold it.
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
        #expect(BlockDigest.isCurrent("b1:caaac9a5aaa93d86"))
        #expect(!BlockDigest.isCurrent(ContentDigest.of([1, 2, 3])))
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
}
