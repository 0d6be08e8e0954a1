import Foundation
import KlaxonEngine
import KlaxonSystem

/// Reads the files a job is made of — the job itself, its alert files and its
/// templates — refusing, with a message, what must not reach a parser: anything
/// but a regular file (a FIFO or `/dev/zero` would block or never end), a file
/// larger than `maxBytes`, and text that is not UTF-8 (Foundation's JSON5
/// scanner traps on some invalid sequences instead of throwing).
enum ConfigFile {
    /// Far above any real job: 100,000 alerts take about 20 MB.
    static let maxBytes: Int64 = 256 << 20

    /// The file's text, or nil with the reason added to `diagnostics` under the file's name.
    static func text(_ path: String, diagnostics: inout Diagnostics) -> String? {
        switch text(path) {
        case .success(let text): return text
        case .failure(let error):
            diagnostics.add(Problem(file: path, message: error.description))
            return nil
        }
    }

    /// The file's text, or why it cannot be used (a sentence naming no path: the caller's `Problem` does).
    static func text(_ path: String) -> Result<String, ConfigFileError> {
        let size: Int64
        switch FileSystem.entry(at: path) {
        case .failure(let failure):
            return .failure(ConfigFileError(failure.isMissing ? "no such file" : "cannot read the file (\(failure.text))"))
        case .success(.other):
            return .failure(ConfigFileError("not a regular file; name a file, not a folder, device or pipe"))
        case .success(.regularFile(let bytes)):
            size = bytes
        }
        guard size <= maxBytes else {
            return .failure(ConfigFileError("the file is \(size) bytes, more than the \(maxBytes >> 20) MiB a job file may have"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ConfigFileError("cannot read the file (permission denied)"))
        }
        let bytes = [UInt8](data)
        if let offset = UTF8Check.firstInvalid(bytes) {
            let before = bytes[..<offset]
            let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
            let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
            return .failure(ConfigFileError("not UTF-8 text: byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at line \(line), column \(column) (byte \(offset)); save the file as UTF-8"))
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence, if any.
}

struct ConfigFileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
