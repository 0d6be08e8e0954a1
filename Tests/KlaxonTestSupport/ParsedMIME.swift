import Foundation

/// A received e-mail as Python's `email` package reads it (Tests/Support/mime_parts.py):
/// an independent parser, so an encoding bug in Klaxon cannot cancel itself out.
struct ParsedMIME: Decodable {
    struct Part: Decodable {
        let content_type: String
        let text: String
    }

    let subject: String
    let from: String
    let to: String
    let message_id: String
    let date: String
    let content_type: String
    let defects: [String]
    let parts: [Part]

    func text(_ contentType: String) -> String? { parts.first { $0.content_type == contentType }?.text }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func parse(_ bytes: [UInt8]) throws -> ParsedMIME {
        guard let python = TestPython.executable else { throw Failure(description: "python3 is not installed") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-mime-\(UUID().uuidString).eml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        let script = TestPython.scriptsDirectory.appendingPathComponent("mime_parts.py").path
        let result = TestPython.run(python, [script, file.path])
        guard result.status == 0 else { throw Failure(description: "mime_parts.py failed: \(result.output)") }
        return try JSONDecoder().decode(ParsedMIME.self, from: Data(result.output.utf8))
    }
}
