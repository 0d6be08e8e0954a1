import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite("CSVReader")
struct CSVReaderTests {
    /// What a reader reported, in order, with field bytes copied out.
    private enum Event: Equatable, CustomStringConvertible {
        case record(line: Int, fields: [String])
        case malformed(line: Int, reason: String)

        var description: String {
            switch self {
            case .record(let line, let fields): return "\(line): \(fields)"
            case .malformed(let line, let reason): return "\(line): !\(reason)"
            }
        }
    }

    private func events(_ reader: CSVReader) throws -> [Event] {
        var out: [Event] = []
        try reader.read(
            record: { out.append(.record(line: $0.line, fields: $0.strings)) },
            malformed: { out.append(.malformed(line: $0.line, reason: $0.reason)) })
        return out
    }

    private func events(_ text: String, chunkSize: Int = 1 << 16, maxRecordBytes: Int = 1 << 20) throws -> [Event] {
        try events(CSVReader(bytes: Array(text.utf8), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes))
    }

    private func records(_ text: String, chunkSize: Int = 1 << 16) throws -> [[String]] {
        try events(text, chunkSize: chunkSize).compactMap {
            if case .record(_, let fields) = $0 { return fields }
            return nil
        }
    }

    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("csvreader-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func splitsUnquotedFieldsOnCommas() throws {
        #expect(try records("a,b,c\n1,,3\n") == [["a", "b", "c"], ["1", "", "3"]])
    }

    @Test func keepsCommasInsideQuotedFields() throws {
        #expect(try records("\"Smith, John\",x\n") == [["Smith, John", "x"]])
    }

    @Test func collapsesDoubledQuotesInPlace() throws {
        #expect(try records("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n") == [["say \"hi\"", "\"", ""]])
    }

    @Test func keepsNewlinesInsideQuotedFields() throws {
        #expect(try records("\"line1\nline2\r\nline3\",z\n") == [["line1\nline2\r\nline3", "z"]])
    }

    @Test func takesStrayQuoteInUnquotedFieldLiterally() throws {
        #expect(try records("ab\"c,5\" screen\n") == [["ab\"c", "5\" screen"]])
    }

    @Test func trailingCommaMeansEmptyLastField() throws {
        #expect(try records("a,\n,\n") == [["a", ""], ["", ""]])
        #expect(try records("a,") == [["a", ""]])
    }

    @Test func skipsUTF8ByteOrderMarkAtStartOnly() throws {
        #expect(try records("\u{FEFF}id,name\n1,x\n") == [["id", "name"], ["1", "x"]])
        #expect(try records("a\n\u{FEFF}b\n") == [["a"], ["\u{FEFF}b"]])
    }

    @Test func byteOrderMarkAloneIsAnEmptyInput() throws {
        #expect(try events("\u{FEFF}").isEmpty)
        #expect(try events("").isEmpty)
    }

    @Test func crlfAndLfLineEndsReadTheSame() throws {
        let lf = try events("a,b\n\"c\",d\n")
        let crlf = try events("a,b\r\n\"c\",d\r\n")
        #expect(lf == crlf)
        #expect(lf == [.record(line: 1, fields: ["a", "b"]), .record(line: 2, fields: ["c", "d"])])
    }

    @Test func loneCRInsideAFieldIsData() throws {
        #expect(try records("a\rb,c\n") == [["a\rb", "c"]])
        #expect(try records("a,b\r\r\n") == [["a", "b\r"]])
    }

    @Test func readsLastRecordWithoutFinalNewline() throws {
        #expect(try records("a,b\nc,d") == [["a", "b"], ["c", "d"]])
        #expect(try records("a,\"b\"") == [["a", "b"]])
        #expect(try records("a,b\r") == [["a", "b"]])
    }

    @Test func skipsEmptyLinesButCountsThem() throws {
        let got = try events("\n\na\r\n\r\n\nb\n\n")
        #expect(got == [.record(line: 3, fields: ["a"]), .record(line: 6, fields: ["b"])])
    }

    @Test func quotedEmptyStringIsARecordNotAnEmptyLine() throws {
        #expect(try records("\"\"\n") == [[""]])
    }

    @Test func lineNumbersCountNewlinesInsideQuotes() throws {
        let got = try events("h1,h2\n\"a\nb\nc\",x\nnext,y\n")
        #expect(got == [
            .record(line: 1, fields: ["h1", "h2"]),
            .record(line: 2, fields: ["a\nb\nc", "x"]),
            .record(line: 5, fields: ["next", "y"]),
        ])
    }

    @Test func unterminatedQuoteAtEndOfInputIsMalformed() throws {
        let got = try events("ok,1\n\"never closed,2\nmore")
        #expect(got == [
            .record(line: 1, fields: ["ok", "1"]),
            .malformed(line: 2, reason: "unterminated quoted field 1 at end of input"),
        ])
    }

    @Test func textAfterClosingQuoteIsMalformedAndReadingContinues() throws {
        let got = try events("a,\"abc\"x,c\n\"q\" ,2\nfine,3\n")
        #expect(got == [
            .malformed(line: 1, reason: "text after closing quote in field 2"),
            .malformed(line: 2, reason: "text after closing quote in field 1"),
            .record(line: 3, fields: ["fine", "3"]),
        ])
    }

    @Test func textAfterClosingQuoteStillHonoursLaterQuotedNewlines() throws {
        let got = try events("\"a\"x,\"multi\nline\"\nnext\n")
        #expect(got == [
            .malformed(line: 1, reason: "text after closing quote in field 1"),
            .record(line: 3, fields: ["next"]),
        ])
    }

    @Test func nulByteMakesTheRecordMalformed() throws {
        let got = try events("a,b\nc\u{0}d,e\n\"x\u{0}\"\nf,g\n")
        #expect(got == [
            .record(line: 1, fields: ["a", "b"]),
            .malformed(line: 2, reason: "NUL byte in field 1 (binary file?)"),
            .malformed(line: 3, reason: "NUL byte in field 1 (binary file?)"),
            .record(line: 4, fields: ["f", "g"]),
        ])
    }

    @Test func overlongRecordIsSkippedToNextLineAndReadingContinues() throws {
        let long = String(repeating: "x", count: 100)
        let got = try events("a\n\(long),y\nb\n", chunkSize: 8, maxRecordBytes: 32)
        #expect(got == [
            .record(line: 1, fields: ["a"]),
            .malformed(line: 2, reason: "record longer than 32 bytes; skipped to line 3"),
            .record(line: 3, fields: ["b"]),
        ])
    }

    @Test func recordOfExactlyMaxRecordBytesIsAccepted() throws {
        // 7 bytes of data plus LF = 8.
        #expect(try events("abc,def\nnext\n", chunkSize: 3, maxRecordBytes: 8) == [
            .record(line: 1, fields: ["abc", "def"]),
            .record(line: 2, fields: ["next"]),
        ])
        #expect(try events("abc,defg\nnext\n", chunkSize: 3, maxRecordBytes: 8) == [
            .malformed(line: 1, reason: "record longer than 8 bytes; skipped to line 2"),
            .record(line: 2, fields: ["next"]),
        ])
    }

    @Test func runawayQuoteIsCutOffAtMaxRecordBytes() throws {
        let body = (0..<20).map { "row\($0)" }.joined(separator: "\n")
        // The 30-byte cut falls inside "row4" (line 6); reading resumes at "row5".
        let got = try events("\"oops,1\n\(body)\n", chunkSize: 4, maxRecordBytes: 30)
        #expect(got.first == .malformed(line: 1, reason: "record longer than 30 bytes (unbalanced quote?); skipped to line 7"))
        #expect(got.last == .record(line: 21, fields: ["row19"]))
    }

    @Test func overlongLineInFileIsSkippedInBoundedMemory() throws {
        // 4 MiB of 2-byte fields on one line, against a 1 KiB record limit.
        var bytes = Array("head\n".utf8)
        bytes += [UInt8](repeating: 0, count: 4 << 20).indices.map { $0 % 2 == 0 ? UInt8(ascii: "a") : UInt8(ascii: ",") }
        bytes += Array("\ntail,1\n".utf8)
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let reader = try CSVReader(path: path, chunkSize: 4096, maxRecordBytes: 1024)
        let got = try events(reader)
        #expect(got == [
            .record(line: 1, fields: ["head"]),
            .malformed(line: 2, reason: "record longer than 1024 bytes; skipped to line 3"),
            .record(line: 3, fields: ["tail", "1"]),
        ])
        #expect(reader.bufferCapacity == 4096 + 1024)
        #expect(reader.fieldCapacity <= 1024)
        #expect(reader.bytesRead == bytes.count)
    }

    @Test func readsARealFileAcrossManyChunks() throws {
        var text = "id,who,note\n"
        for i in 0..<5000 { text += "\(i),\"Doe, J\",\"said \"\"\(i)\"\"\nok\"\r\n" }
        let path = try temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }

        let reader = try CSVReader(path: path, chunkSize: 1000)
        var count = 0
        var failures = 0
        try reader.read(record: { record in
            if record.line > 1 {
                let i = count
                if record.count != 3 || !record[0].equals("\(i)") || !record[1].equals("Doe, J")
                    || record[2].string != "said \"\(i)\"\nok" || record.line != 2 + 2 * i {
                    failures += 1
                }
                count += 1
            }
        }, malformed: { _ in failures += 1 })
        #expect(count == 5000)
        #expect(failures == 0)
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test func missingFileNamesPathAndReason() {
        let path = "/nonexistent/dir/cdr.csv"
        #expect {
            _ = try CSVReader(path: path)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(path) && text.contains("No such file or directory")
        }
    }

    @Test func directoryIsRejectedAtOpen() {
        #expect(throws: CSVReader.OpenError(path: "/tmp", code: EISDIR)) {
            _ = try CSVReader(path: "/tmp")
        }
    }

    @Test func secondReadYieldsNothing() throws {
        let reader = CSVReader(bytes: Array("a\nb\n".utf8))
        #expect(try events(reader).count == 2)
        #expect(try events(reader).isEmpty)
    }

    @Test func errorThrownByCallbackStopsReading() throws {
        struct Stop: Error {}
        let reader = CSVReader(bytes: Array("a\nb\nc\n".utf8))
        var seen = 0
        #expect(throws: Stop.self) {
            try reader.read(record: { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }, malformed: { _ in })
        }
        #expect(seen == 2)
    }

    @Test func fieldViewsCompareWithoutStrings() throws {
        let reader = CSVReader(bytes: Array("ANSWERED,\"NO ANSWER\",,é\n".utf8))
        var checks: [Bool] = []
        try reader.read(record: { r in
            checks = [r[0].equals("ANSWERED"), r[1].equals("NO ANSWER"), !r[0].equals("ANSWERE"),
                      r[2].isEmpty, r[3].equals("é"), r[3].count == 2, r.field(4) == nil]
        }, malformed: { _ in })
        #expect(checks == Array(repeating: true, count: 7))
    }

    @Test func invalidUTF8IsRepairedInStrings() throws {
        let reader = CSVReader(bytes: [0x61, 0xFF, 0x62, 0x0A])
        #expect(try events(reader) == [.record(line: 1, fields: ["a\u{FFFD}b"])])
    }

    /// Every kind of trouble at once; chunk sizes 1...count put a chunk boundary
    /// at every byte offset, and the outcome must not depend on where it falls.
    @Test func chunkBoundariesAtEverySplitPointDoNotChangeTheResult() throws {
        let dirty = "\u{FEFF}id,name,note\r\n"
            + "1,\"Smith, John\",\"said \"\"hi\"\"\r\nthen left\"\r\n"
            + "\n\r\n"
            + "2,plain,\"\"\n"
            + "3,\"abc\"x,after\n"
            + "4,a\rb,\"\"\"\"\n"
            + "5,\(String(repeating: "z", count: 40)),overlong\n"
            + "6,nul\u{0}here,x\r\n"
            + "7,\"q\"\r\n"
            + ",,\n"
            + "8,\"unterminated\nstill going"
        let bytes = Array(dirty.utf8)
        let expected = try events(CSVReader(bytes: bytes, chunkSize: 1 << 16, maxRecordBytes: 48))
        #expect(expected == [
            .record(line: 1, fields: ["id", "name", "note"]),
            .record(line: 2, fields: ["1", "Smith, John", "said \"hi\"\r\nthen left"]),
            .record(line: 6, fields: ["2", "plain", ""]),
            .malformed(line: 7, reason: "text after closing quote in field 2"),
            .record(line: 8, fields: ["4", "a\rb", "\""]),
            .malformed(line: 9, reason: "record longer than 48 bytes; skipped to line 10"),
            .malformed(line: 10, reason: "NUL byte in field 2 (binary file?)"),
            .record(line: 11, fields: ["7", "q"]),
            .record(line: 12, fields: ["", "", ""]),
            .malformed(line: 13, reason: "unterminated quoted field 2 at end of input"),
        ])
        for chunkSize in 1...bytes.count {
            let got = try events(CSVReader(bytes: bytes, chunkSize: chunkSize, maxRecordBytes: 48))
            #expect(got == expected, "chunkSize \(chunkSize)")
        }
    }
}
