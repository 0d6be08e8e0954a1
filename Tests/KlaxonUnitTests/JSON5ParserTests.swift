import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Klaxon's JSON5 reader: everything JSON5 allows, and every syntax error with its
/// line, column and what was expected.
@Suite struct JSON5ParserTests {
    private func parse(_ text: String) throws -> JSONValue { try JSON5Parser.parse(Array(text.utf8)) }

    private func error(_ text: String) -> JSON5SyntaxError? {
        do { _ = try parse(text); return nil } catch let e as JSON5SyntaxError { return e } catch { return nil }
    }

    @Test func everyJSON5ExtensionReads() throws {
        let text = """
        // a comment
        { unquoted: 'single', "double": "d\\"q", $dollar_1: 1, /* block
          comment */ trailing: [1, 2, ], hex: 0xFF, neg: -0x10, lead: .5, trail: 5., plus: +3,
          exp: 1.5e3, inf: -Infinity, esc: 'it\\'s\\n\\t\\u00e9\\x41\\uD83D\\uDE00', cont: 'a\\
        b', null_: null, t: true, f: false, nested: { a: [ { b: [] } ], }, café: 1, big: 12345678901234567890,
        }
        """
        let value = try parse(text)
        #expect(value["unquoted"] == .string("single"))
        #expect(value["double"] == .string("d\"q"))
        #expect(value["$dollar_1"] == .number(1))
        #expect(value["trailing"] == .array([.number(1), .number(2)]))
        #expect(value["hex"] == .number(255))
        #expect(value["neg"] == .number(-16))
        #expect(value["lead"] == .number(0.5))
        #expect(value["trail"] == .number(5))
        #expect(value["plus"] == .number(3))
        #expect(value["exp"] == .number(1500))
        #expect(value["inf"] == .number(-.infinity))
        #expect(value["esc"] == .string("it's\n\t\u{E9}A\u{1F600}"))
        #expect(value["cont"] == .string("ab"))
        #expect(value["null_"] == .null)
        #expect(value["t"] == .bool(true) && value["f"] == .bool(false))
        #expect(value["nested"]?["a"] == .array([.object(["b": .array([])])]))
        #expect(value["café"] == .number(1))
        #expect(value["big"] == .number(1.2345678901234567e19), "a number too big for Int64 reads as the nearest Double")
    }

    @Test func theRepositorysJobsReadAsFoundationReadsThem() throws {
        let folder = Repository.path("jobs")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json5") }
        #expect(!files.isEmpty)
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)"))
            let foundation = try decoder.decode(JSONValue.self, from: data + Data("\n".utf8))
            #expect(try JSON5Parser.parse(Array(data)) == foundation, "\(file)")
        }
    }

    @Test func numbersReadAsFoundationReadsThem() throws {
        for text in ["0", "-0", "1.25", "0.1", "1e-7", "123456789012345", "1234567890123456", "9007199254740993", "2.2250738585072014e-308", "1.7976931348623157e308", "0.30000000000000004"] {
            #expect(try parse(text) == .number(try #require(Double(text))), "\(text)")
        }
    }

    @Test func syntaxErrorsSayLineColumnAndWhatWasExpected() {
        let cases: [(String, Int, Int, String)] = [
            ("{ state: \"s\"\n  alerts: [] }", 2, 3, "expected ',' or '}' after the value of \"state\", found alerts"),
            ("{ state \"s\" }", 1, 9, "expected ':' after the key \"state\", found '\"'"),
            ("{\n  a: 1,\n  b: yes }", 3, 6, "expected the value of \"b\", found yes (a text value needs quotes: \"yes\")"),
            ("{ a: [1, 2 3] }", 1, 12, "expected ',' or ']' after item 2 of the list, found 3"),
            ("{ a: 'open\n }", 1, 11, "the string opened at line 1, column 6 is not closed before the end of the line"),
            ("{ a: 1", 1, 7, "the object opened at line 1, column 1 is not closed: expected ',' or '}' after the value of \"a\", found the end of the file"),
            ("{ a: 1 } }", 1, 10, "expected the end of the file after the document, found '}'"),
            ("", 1, 1, "expected a value (the file holds no JSON5 document)"),
            ("{ /* never closed }", 1, 3, "the comment opened here is not closed"),
            ("{ a: 012 }", 1, 6, "a number cannot start with 0 followed by more digits"),
            ("{ a: 12h }", 1, 8, "12h is not a number (text needs quotes: \"12h\")"),
            ("{ a: '\\u12' }", 1, 11, "expected 4 hexadecimal digits after \\u, found \"'\""),
            ("{ é: 1, ,}", 1, 9, "expected a key or '}' after ',', found ','"),
            ("[\"a\", 'b',\n\t{ x: -}]", 2, 8, "expected a number after '-', found '}'"),
        ]
        for (text, line, column, message) in cases {
            let e = error(text)
            #expect(e?.line == line && e?.column == column, "\(text.debugDescription): \(String(describing: e))")
            #expect(e?.message.hasPrefix(message) == true, "\(text.debugDescription): \(String(describing: e))")
        }
    }

    /// Bytes cut, swapped and inserted at random into a real job: every result is a
    /// value or a located error, never a trap or a hang.
    @Test func mangledJobsAreReadOrRefusedNeverCrash() throws {
        let original = Array(try String(contentsOfFile: Repository.path("jobs/example-hourly.json5"), encoding: .utf8).utf8)
        let alphabet = Array("{}[]:,'\"\\/*+-.0x1eE \n\tanIfinityNu\u{A0}é".utf8)
        var random = SplitMix64(seed: 0x15_0A5)
        for _ in 0..<3_000 {
            var bytes = original
            for _ in 0..<Int(random.next() % 4 + 1) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int(random.next() % 200)))
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            guard UTF8Check.firstInvalid(bytes) == nil else { continue }
            do {
                _ = try JSON5Parser.parse(bytes)
            } catch {
                #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
            }
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let e = error(String(repeating: "[", count: 100_000))
        #expect(e?.message == "objects and lists are nested more than 256 deep")
    }

    @Test func aJobWithASyntaxErrorIsRefusedWithFileLineAndColumn() {
        let scratch = Scratch()
        scratch.write("job.json5", "{\n  state: \"s\",\n  alerts: [\n    { title: \"A\" company: \"C1\" },\n  ],\n}\n")
        let problems = JobLoader.load(scratch.url("job.json5")).failure?.problems ?? []
        #expect(problems.map(\.description) == [
            "\(scratch.url("job.json5")): not valid JSON5 at line 4, column 18: expected ',' or '}' after the value of \"title\", found company",
        ])
    }
}
