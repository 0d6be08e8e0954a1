import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The byte-by-byte encoder against the encoder it replaced (kept below as
/// it was), on random text made of the characters the rules care about.
@Suite("Quoted-printable against the previous encoder")
struct QuotedPrintableReferenceTests {
    static let pieces = ["a", "Z", " ", "\t", ".", "=", "From ", "F", "From", "\r", "\n", "\r\n", "é", "€", "😀", "\u{7F}",
                         "\u{0}", "_", "--", "xxxxxxxxxxxxxxxxxxxx", "  ", "\u{85}", "ß"]

    @Test("the same output for random text")
    func sameAsReference() {
        var random = SplitMix64(seed: 0xE_4A11)
        for round in 0..<3_000 {
            var text = ""
            for _ in 0..<Int(random.next() % 120) { text += Self.pieces[Int(random.next() % UInt64(Self.pieces.count))] }
            let expected = ReferenceQuotedPrintable.encode(text)
            #expect(QuotedPrintable.encode(text) == expected, "round \(round): \(text.debugDescription)")
            if QuotedPrintable.encode(text) != expected { return }
        }
    }
}

/// The encoder as it was before it wrote into one buffer.
enum ReferenceQuotedPrintable {
    /// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters,
    /// counting a trailing "=" soft line break but not the CRLF.
    static let maximumLineLength = 76

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes `text` as UTF-8 quoted-printable.
    ///
    /// Line ends in the input (CRLF, lone CR, lone LF) all become CRLF hard
    /// breaks; the output ends with CRLF exactly when the input ends with a
    /// line end, so decoding gives back the text with normalised line ends.
    /// The output is pure ASCII and never contains "=" followed by anything
    /// but two hex digits or a CRLF, which is what keeps a MIME boundary that
    /// contains "=_" from occurring inside an encoded part.
    static func encode(_ text: String) -> String {
        splitLines(Array(text.utf8)).map(encodeLine).joined(separator: "\r\n")
    }

    /// Splits at CRLF, CR or LF; a final line end yields a final empty line.
    private static func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                lines.append(current)
                current = []
                // CRLF counts as one line end, not two.
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                    index += 1
                }
            } else {
                current.append(byte)
            }
            index += 1
        }
        lines.append(current)
        return lines
    }

    /// One encoded unit: the bytes of one Unicode scalar, written literally or
    /// as "=XX" escapes. Keeping a scalar's escapes together means a soft break
    /// never splits a character, which keeps the encoded text readable.
    private struct Token {
        var text: [UInt8]
        /// Offset of the token's first byte in the input line.
        var start: Int
    }

    private static func encodeLine(_ line: [UInt8]) -> String {
        var tokens: [Token] = []
        var index = 0
        while index < line.count {
            let length = sequenceLength(leadByte: line[index])
            let end = min(index + length, line.count)
            let isLineEnd = end == line.count
            var encoded: [UInt8] = []
            for byte in line[index..<end] {
                if isLiteral(byte, atLineEnd: isLineEnd) {
                    encoded.append(byte)
                } else {
                    encoded += escape(byte)
                }
            }
            tokens.append(Token(text: encoded, start: index))
            index = end
        }

        var output: [UInt8] = []
        var column = 0
        for (position, token) in tokens.enumerated() {
            var text = token.text
            // A token that is not last must leave room for a "=" soft break
            // after it; the last one may use the whole line.
            let limit = position == tokens.count - 1 ? maximumLineLength : maximumLineLength - 1
            if column + text.count > limit {
                output += Array("=\r\n".utf8)
                column = 0
            }
            if column == 0 {
                text = protectedAtLineStart(text, line: line, start: token.start)
            }
            output += text
            column += text.count
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Escapes the first byte of an output line when it is "." or the "F" of
    /// "From ". Applies after soft breaks too, since those also start lines
    /// on the wire.
    private static func protectedAtLineStart(_ text: [UInt8], line: [UInt8], start: Int) -> [UInt8] {
        guard text.count == 1, let byte = text.first else { return text }
        if byte == UInt8(ascii: ".") {
            return escape(byte)
        }
        let from = Array("From ".utf8)
        if byte == UInt8(ascii: "F"), line.count - start >= from.count,
           Array(line[start..<(start + from.count)]) == from {
            return escape(byte)
        }
        return text
    }

    /// RFC 2045 §6.7 rules 2 and 3: printable ASCII except "=" may stay as it
    /// is; space and TAB too, except at the end of a line, where transports
    /// are known to strip or add whitespace.
    private static func isLiteral(_ byte: UInt8, atLineEnd: Bool) -> Bool {
        switch byte {
        case 33...60, 62...126: return true
        case 0x20, 0x09: return !atLineEnd
        default: return false
        }
    }

    private static func escape(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
    }

    /// Length of the UTF-8 sequence a byte starts. The input comes from a
    /// Swift String and is therefore valid UTF-8; a stray continuation byte
    /// would still just become a one-byte token.
    private static func sequenceLength(leadByte: UInt8) -> Int {
        switch leadByte {
        case 0xF0...0xF7: return 4
        case 0xE0...0xEF: return 3
        case 0xC0...0xDF: return 2
        default: return 1
        }
    }
}
