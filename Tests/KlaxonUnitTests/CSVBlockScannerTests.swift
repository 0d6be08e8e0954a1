import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The reader's SIMD fast path (`CSVBlockScanner`) must read every input as
/// the byte-by-byte scan does. With 3-byte reads no 64-byte block is ever
/// buffered past a record's start, so that reader takes the scan alone: it is
/// the reference the usual 64 KiB reads are compared with.
@Suite struct CSVBlockScannerTests {
    private enum Event: Equatable {
        case record(line: Int, fields: [[UInt8]])
        case malformed(line: Int, reason: String)
    }

    private func events(_ bytes: [UInt8], chunkSize: Int, maxRecordBytes: Int = 1 << 20) throws -> [Event] {
        var out: [Event] = []
        try CSVReader(bytes: bytes, chunkSize: chunkSize, maxRecordBytes: maxRecordBytes).read(
            record: { record in out.append(.record(line: record.line, fields: (0..<record.count).map { Array(record[$0].bytes) })) },
            malformed: { out.append(.malformed(line: $0.line, reason: $0.reason)) })
        return out
    }

    @Test func everyByteBelowTheDashIsACandidateAndNoOther() {
        for value in 0...255 {
            for lane in 0..<16 {
                var bytes = SIMD16<UInt8>(repeating: 0x41)
                bytes[lane] = UInt8(value)
                let expected: UInt64 = value < 0x2D ? 1 << UInt64(lane) : 0
                #expect(CSVBlockScanner.below2D(bytes) == expected, "byte \(value) in lane \(lane)")
            }
        }
    }

    /// Mostly plain CDR-like rows, with every kind of dirt now and then: quoted
    /// fields (with commas, doubled quotes, newlines), CRLF and lone CRs, NULs,
    /// blank lines, text after a closing quote, spaces, non-ASCII bytes.
    private func document(_ random: inout SplitMix64, rows: Int) -> [UInt8] {
        let dirt: [[UInt8]] = [
            Array("\"a,b\"".utf8), Array("\"say \"\"hi\"\"\"".utf8), Array("\"x\ny\"".utf8), Array("\"\"".utf8),
            Array("a\rb".utf8), [0], Array("\"q\"x".utf8), Array(" +1 ".utf8), [0xC3, 0xA9], Array("a\"b".utf8),
            Array("\"unterminated".utf8), Array("\r".utf8),
        ]
        var out: [UInt8] = []
        for _ in 0..<rows {
            let fields = 1 + Int(random.next() % 12)
            for f in 0..<fields {
                if f > 0 { out.append(0x2C) }
                if random.next() % 40 == 0 {
                    out += dirt[Int(random.next() % UInt64(dirt.count))]
                } else if random.next() % 6 == 0 {
                    out += Array("\"\(random.next() % 100_000)\"".utf8)
                } else {
                    out += Array(String(random.next() % 10_000_000_000, radix: 10 + Int(random.next() % 20)).utf8)
                }
            }
            switch random.next() % 30 {
            case 0: out += [0x0D, 0x0A]
            case 1: out += [0x0A, 0x0A]
            case 2: out += [0x0D, 0x0A, 0x0D, 0x0A]
            default: out.append(0x0A)
            }
        }
        if random.next() % 2 == 0, out.last == 0x0A { out.removeLast() }
        return out
    }

    @Test func readsRandomDocumentsAsTheByteScanDoes() throws {
        var random = SplitMix64(seed: 1818)
        for _ in 0..<300 {
            let bytes = document(&random, rows: 1 + Int(random.next() % 200))
            let fast = try events(bytes, chunkSize: 1 << 16)
            let reference = try events(bytes, chunkSize: 3)
            #expect(fast == reference)
            if fast != reference { break }
        }
    }

    @Test func overLongRecordsAreReportedAlike() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<50 {
            let bytes = document(&random, rows: 100)
            #expect(try events(bytes, chunkSize: 1 << 16, maxRecordBytes: 70) == events(bytes, chunkSize: 3, maxRecordBytes: 70))
        }
    }

    @Test func quotedExportsReadByTheFastPathKeepTheirFields() throws {
        let row = "\"Echo NOC\",\"15550105\",\"2026-11-26 19:00:10\",\"\",\"SIP/P20/447106939325,60,tT\",10\r\n"
        let bytes = Array(String(repeating: row, count: 200).utf8)
        let read = try events(bytes, chunkSize: 1 << 16)
        #expect(read.count == 200)
        #expect(read.last == .record(line: 200, fields: ["Echo NOC", "15550105", "2026-11-26 19:00:10", "", "SIP/P20/447106939325,60,tT", "10"].map { Array($0.utf8) }))
    }
}
