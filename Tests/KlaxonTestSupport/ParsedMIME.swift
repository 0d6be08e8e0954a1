import Foundation

/// A received e-mail as Python's `email` package reads it (Tests/Support/parse_eml.py):
/// an independent parser, so an encoding bug in Klaxon cannot cancel itself out.
struct ParsedMIME: Decodable {
    let subject: String
    /// The content type of every part, the message's own first.
    let types: [String]
    let plain: String?
    let html: String?
    let to: String
    let message_id: String
    let defects: [String]

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func parse(_ bytes: [UInt8]) throws -> ParsedMIME {
        guard let python = TestPython.executable else { throw Failure(description: "python3 is not installed") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-mime-\(UUID().uuidString).eml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        let result = TestPython.run(python, [Repository.path("Tests/Support/parse_eml.py"), file.path])
        guard result.status == 0 else { throw Failure(description: "parse_eml.py failed: \(result.output)") }
        return try JSONDecoder().decode(ParsedMIME.self, from: Data(result.output.utf8))
    }
}
