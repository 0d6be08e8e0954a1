/// Quoted-printable Content-Transfer-Encoding (RFC 2045 §6.7) for text bodies.
///
/// Besides the RFC rules, two transport hazards are avoided so that the bytes
/// that arrive are the bytes we wrote: a "." at the start of a line (SMTP
/// dot-stuffing, RFC 5321 §4.5.2, which a careless relay may get wrong) and
/// "From " at the start of a line (mbox files turn it into ">From "). Both are
/// written as hex escapes, which decode to the same text.
public enum QuotedPrintable {
    /// RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters,
    /// counting a trailing "=" soft line break but not the CRLF.
    public static let maximumLineLength = 76

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes `text` as UTF-8 quoted-printable.
    ///
    /// Line ends in the input (CRLF, lone CR, lone LF) all become CRLF hard
    /// breaks; the output ends with CRLF exactly when the input ends with a
    /// line end, so decoding gives back the text with normalised line ends.
    /// The output is pure ASCII and never contains "=" followed by anything
    /// but two hex digits or a CRLF, which is what keeps a MIME boundary that
    /// contains "=_" from occurring inside an encoded part.
    ///
    /// Written byte by byte into one buffer: every message of a run passes
    /// through here, and an array per line and per character cost more than
    /// the rest of composing the message.
    public static func encode(_ text: String) -> String {
        var input = text
        return input.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 8 + 16)
            var token: [UInt8] = []
            token.reserveCapacity(12)
            // Lines end at CRLF, CR or LF; a final line end yields a final empty line.
            var start = 0
            while true {
                var end = start
                while end < bytes.count, bytes[end] != 0x0D, bytes[end] != 0x0A { end += 1 }
                encodeLine(UnsafeBufferPointer(rebasing: bytes[start..<end]), into: &output, token: &token)
                guard end < bytes.count else { break }
                output.append(contentsOf: [0x0D, 0x0A])
                // CRLF counts as one line end, not two.
                start = bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? end + 2 : end + 1
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// One line, appended to `output` with soft breaks where needed.
    ///
    /// The line is cut into tokens, the bytes of one Unicode scalar each,
    /// written literally or as "=XX" escapes. Keeping a scalar's escapes
    /// together means a soft break never splits a character, which keeps the
    /// encoded text readable. `token` is scratch space, reused from token to token.
    private static func encodeLine(_ line: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], token: inout [UInt8]) {
        var column = 0
        var index = 0
        while index < line.count {
            let end = min(index + sequenceLength(leadByte: line[index]), line.count)
            let isLast = end == line.count
            token.removeAll(keepingCapacity: true)
            for byte in line[index..<end] {
                if isLiteral(byte, atLineEnd: isLast) { token.append(byte) } else { appendEscape(byte, to: &token) }
            }
            // A token that is not last must leave room for a "=" soft break
            // after it; the last one may use the whole line.
            if column + token.count > (isLast ? maximumLineLength : maximumLineLength - 1) {
                output.append(contentsOf: [UInt8(ascii: "="), 0x0D, 0x0A])
                column = 0
            }
            if column == 0, isProtectedAtLineStart(token, line: line, start: index) {
                let byte = token[0]
                token.removeAll(keepingCapacity: true)
                appendEscape(byte, to: &token)
            }
            output.append(contentsOf: token)
            column += token.count
            index = end
        }
    }

    /// Whether a token starting an output line must be escaped: a literal "."
    /// or the "F" of "From ". Applies after soft breaks too, since those also
    /// start lines on the wire.
    private static func isProtectedAtLineStart(_ token: [UInt8], line: UnsafeBufferPointer<UInt8>, start: Int) -> Bool {
        guard token.count == 1 else { return false }
        if token[0] == UInt8(ascii: ".") { return true }
        return token[0] == UInt8(ascii: "F") && line.count - start >= fromSpace.count
            && line[start..<(start + fromSpace.count)].elementsEqual(fromSpace)
    }

    private static let fromSpace = Array("From ".utf8)

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

    private static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "="))
        bytes.append(hexDigits[Int(byte >> 4)])
        bytes.append(hexDigits[Int(byte & 0x0F)])
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
