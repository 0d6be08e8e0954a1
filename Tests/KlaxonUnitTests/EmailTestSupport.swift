import Foundation
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Small, independent decoders used to check the composer's output. They are
/// written from the RFCs rather than by reusing the encoder, so a bug in the
/// encoder cannot cancel itself out.
enum EmailTestSupport {
    static let alertDate = Date(timeIntervalSince1970: 1_795_748_400)  // Fri, 27 Nov 2026 03:00:00 UTC

    static func address(_ text: String) throws -> MailAddress {
        guard let parsed = MailAddress.parse(text) else {
            throw TestFailure("could not parse \(text)")
        }
        return parsed
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Strict UTF-8 decoding: nil when `bytes` is not valid UTF-8 (for
    /// example half of a multi-byte sequence). Written out instead of using
    /// `String(validating:as:)`, which needs macOS 15 and the package
    /// supports macOS 13.
    static func utf8String(_ bytes: [UInt8]) -> String? {
        let decoded = String(decoding: bytes, as: UTF8.self)
        // Invalid input is repaired with U+FFFD, so the bytes would differ.
        return Array(decoded.utf8) == bytes ? decoded : nil
    }

    // MARK: Message structure

    /// Splits at the first empty line: (header block, body).
    static func split(_ message: String) -> (header: String, body: String)? {
        guard let range = message.range(of: "\r\n\r\n") else { return nil }
        return (String(message[..<range.lowerBound]), String(message[range.upperBound...]))
    }

    /// Header lines of a header block (CRLF separated, folds kept).
    static func lines(_ text: String) -> [String] {
        text.components(separatedBy: "\r\n")
    }

    /// RFC 5322 §2.2.3 unfolding: CRLF immediately followed by WSP is removed.
    static func unfold(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: "\t")
    }

    /// Unfolded header fields, in order, as (name, value) with the single
    /// space after the colon removed.
    static func fields(_ header: String) -> [(name: String, value: String)] {
        unfold(header).components(separatedBy: "\r\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            var value = String(line[line.index(after: colon)...])
            if value.hasPrefix(" ") { value.removeFirst() }
            return (String(line[..<colon]), value)
        }
    }

    /// The raw (still folded) lines of one header field.
    static func rawField(_ name: String, in header: String) -> [String] {
        var result: [String] = []
        var inField = false
        for line in lines(header) {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                if inField { result.append(line) }
            } else {
                inField = line.lowercased().hasPrefix(name.lowercased() + ":")
                if inField { result.append(line) }
            }
        }
        return result
    }

    static func value(of name: String, in message: String) -> String? {
        guard let header = split(message)?.header else { return nil }
        return fields(header).first { $0.name.lowercased() == name.lowercased() }?.value
    }

    // MARK: RFC 2047

    /// The encoded-words in a value, in order.
    static func encodedWords(in value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .map(String.init)
            .filter { $0.hasPrefix("=?") && $0.hasSuffix("?=") }
    }

    /// Decoded bytes of one `=?UTF-8?B?…?=` word; nil when malformed.
    static func decodeWordBytes(_ word: String) -> [UInt8]? {
        let parts = word.components(separatedBy: "?")
        // "", "=" prefix -> ["=", "UTF-8", "B", text, "="]
        guard parts.count == 5, parts[0] == "=", parts[4] == "=",
              parts[1].uppercased() == "UTF-8", parts[2].uppercased() == "B",
              let data = Data(base64Encoded: parts[3]) else { return nil }
        return Array(data)
    }

    /// Decodes a phrase or unstructured value that consists only of
    /// encoded-words separated by whitespace (whitespace between adjacent
    /// encoded-words is not part of the text, RFC 2047 §6.2).
    static func decodeEncodedWords(_ value: String) -> String? {
        let tokens = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
        var bytes: [UInt8] = []
        for token in tokens {
            guard let decoded = decodeWordBytes(String(token)) else { return nil }
            bytes += decoded
        }
        return utf8String(bytes)
    }

    // MARK: Quoted-printable

    /// RFC 2045 §6.7 decoding: trailing whitespace on a line is transport
    /// padding and dropped; a final "=" is a soft break; "=XX" is a byte.
    static func decodeQuotedPrintable(_ encoded: String) -> String? {
        var bytes: [UInt8] = []
        let encodedLines = encoded.components(separatedBy: "\r\n")
        for (index, rawLine) in encodedLines.enumerated() {
            var line = Array(rawLine.utf8)
            while let last = line.last, last == 0x20 || last == 0x09 { line.removeLast() }
            var soft = false
            if line.last == UInt8(ascii: "=") {
                soft = true
                line.removeLast()
            }
            var i = 0
            while i < line.count {
                if line[i] == UInt8(ascii: "=") {
                    guard i + 2 < line.count,
                          let high = hexValue(line[i + 1]), let low = hexValue(line[i + 2]) else { return nil }
                    bytes.append(high << 4 | low)
                    i += 3
                } else {
                    bytes.append(line[i])
                    i += 1
                }
            }
            if !soft && index < encodedLines.count - 1 {
                bytes += [0x0D, 0x0A]
            }
        }
        return utf8String(bytes)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The input with every line end (CRLF, CR, LF) written as CRLF.
    static func crlfNormalised(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    // MARK: Multipart

    /// Parts of a multipart body as (header, content), split on
    /// CRLF "--boundary" delimiters (RFC 2046 §5.1.1); nil when malformed.
    static func multipartParts(body: String, boundary: String) -> [(header: String, content: String)]? {
        // Prepend CRLF so the first delimiter looks like the others.
        let pieces = ("\r\n" + body).components(separatedBy: "\r\n--" + boundary)
        guard pieces.count >= 3, let closing = pieces.last, closing.hasPrefix("--") else { return nil }
        var parts: [(header: String, content: String)] = []
        for piece in pieces.dropFirst().dropLast() {
            guard piece.hasPrefix("\r\n"), let (header, content) = split(String(piece.dropFirst(2))) else {
                return nil
            }
            parts.append((header, content))
        }
        return parts
    }

    /// Every line ending is CRLF: no CR without LF, no LF without CR.
    static func hasOnlyCRLFLineEnds(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A) { return false }
            if byte == 0x0A && (index == 0 || bytes[index - 1] != 0x0D) { return false }
        }
        return true
    }
}
