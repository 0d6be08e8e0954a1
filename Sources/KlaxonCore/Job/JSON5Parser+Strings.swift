/// Quoted strings and their escapes (JSON5 §5: either quote, \x, \u pairs, line continuations).
extension JSON5Parser {
    mutating func string() throws(JSON5SyntaxError) -> String {
        let open = i
        let quote = bytes[i]
        i += 1
        let start = i
        // The common case, no escape: one copy of the bytes.
        while i < bytes.count, bytes[i] != quote, bytes[i] != UInt8(ascii: "\\"), bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
        if i < bytes.count, bytes[i] == quote {
            i += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i - 1]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while true {
            guard i < bytes.count else {
                throw failure("the string opened at \(position(of: open)) is not closed: expected \(quoteName(quote)), found the end of the file")
            }
            let b = bytes[i]
            if b == quote { i += 1; break }
            if b == 0x0A || b == 0x0D {
                throw failure("the string opened at \(position(of: open)) is not closed before the end of the line (write \\n for a line break)")
            }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            try escape(into: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func escape(into out: inout [UInt8]) throws(JSON5SyntaxError) {
        let backslash = i
        i += 1
        guard i < bytes.count else { throw failure("expected an escape after '\\', found the end of the file") }
        let b = bytes[i]
        i += 1
        switch b {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "v"): out.append(0x0B)
        case UInt8(ascii: "0"):
            if i < bytes.count, isDigit(bytes[i]) { i = backslash; throw failure("\\0 followed by a digit is not allowed; write \\x00 or \\u0000") }
            out.append(0)
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            i = backslash
            throw failure("\\\(Character(Unicode.Scalar(b))) is not an escape; write the digit without '\\'")
        case UInt8(ascii: "x"):
            let code = try hex(digits: 2, escape: backslash)
            appendScalar(code, to: &out)
        case UInt8(ascii: "u"):
            var code = try hex(digits: 4, escape: backslash)
            if (0xD800..<0xDC00).contains(code) {
                // A pair of escapes spells one character beyond U+FFFF.
                guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                    i = backslash
                    throw failure("\\u\(String(code, radix: 16, uppercase: true)) is the first half of a surrogate pair, but no \\uDC00–\\uDFFF follows")
                }
                let second = i
                i += 2
                let low = try hex(digits: 4, escape: second)
                guard (0xDC00..<0xE000).contains(low) else {
                    i = second
                    throw failure("expected the second half of a surrogate pair (\\uDC00–\\uDFFF), found \\u\(String(low, radix: 16, uppercase: true))")
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                i = backslash
                throw failure("\\u\(String(code, radix: 16, uppercase: true)) is the second half of a surrogate pair without the first")
            }
            appendScalar(code, to: &out)
        case 0x0D:
            // A line continuation: the escaped line break is not part of the string.
            if i < bytes.count, bytes[i] == 0x0A { i += 1 }
        case 0x0A:
            break
        default:
            // U+2028 and U+2029 continue the line like LF; anything else stands for itself.
            if b == 0xE2, i + 1 < bytes.count, bytes[i] == 0x80, bytes[i + 1] == 0xA8 || bytes[i + 1] == 0xA9 {
                i += 2
            } else {
                out.append(b)
            }
        }
    }

    mutating func hex(digits: Int, escape: Int) throws(JSON5SyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<digits {
            guard i < bytes.count, let d = hexValue(bytes[i]) else {
                let kind = digits == 2 ? "\\x" : "\\u"
                throw failure("expected \(digits) hexadecimal digits after \(kind), found \(found())")
            }
            code = code << 4 | UInt32(d)
            i += 1
        }
        return code
    }

    func appendScalar(_ code: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    func quoteName(_ quote: UInt8) -> String { quote == UInt8(ascii: "'") ? "a closing '" : "a closing \"" }
}
