/// A JSON5 reader (https://spec.json5.org) straight from UTF-8 bytes to `JSONValue`.
///
/// Klaxon's own rather than Foundation's JSON5 mode: a mistake in a job file must be
/// reported with its line, column and what was expected there (Foundation says only
/// "The given data was not valid JSON."), and going through `Decodable` cost seconds
/// on a job of 100,000 alerts.
struct JSON5Parser {
    /// Deeper than any job, shallow enough that the recursion cannot exhaust a thread's stack.
    static let maximumDepth = 256

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The document in `bytes`, which must be valid UTF-8 (`ConfigFile` checks it).
    static func parse(_ bytes: [UInt8]) throws(JSON5SyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSON5SyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            var parser = JSON5Parser(buffer)
            do throws(JSON5SyntaxError) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func document() throws(JSON5SyntaxError) -> JSONValue {
        try skipSpace()
        guard i < bytes.count else { throw failure("expected a value (the file holds no JSON5 document)") }
        let value = try value(expected: "a value")
        try skipSpace()
        if i < bytes.count { throw failure("expected the end of the file after the document, found \(found())") }
        return value
    }

    // MARK: Values

    private mutating func value(expected: @autoclosure () -> String) throws(JSON5SyntaxError) -> JSONValue {
        guard i < bytes.count else { throw failure("expected \(expected()), found the end of the file") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return .number(try number())
        default:
            let start = i
            let word = identifierText()
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "Infinity": return .number(.infinity)
            case "NaN": return .number(.nan)
            default:
                i = start
                let hint = word.isEmpty ? "" : " (a text value needs quotes: \"\(word)\")"
                throw failure("expected \(expected()), found \(found())\(hint)")
            }
        }
    }

    private mutating func object() throws(JSON5SyntaxError) -> JSONValue {
        let open = i
        try enter()
        i += 1
        var members: [String: JSONValue] = [:]
        var afterComma = false
        while true {
            try skipSpace()
            guard i < bytes.count else {
                throw failure("the object opened at \(position(of: open)) is not closed: expected \(afterComma ? "a key" : "a key or '}'"), found the end of the file")
            }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            let key = try key(afterComma: afterComma)
            try skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
                throw failure("expected ':' after the key \"\(key)\", found \(found())")
            }
            i += 1
            try skipSpace()
            members[key] = try value(expected: "the value of \"\(key)\"")
            try skipSpace()
            guard i < bytes.count else {
                throw failure("the object opened at \(position(of: open)) is not closed: expected ',' or '}' after the value of \"\(key)\", found the end of the file")
            }
            if bytes[i] == UInt8(ascii: ",") { i += 1; afterComma = true; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw failure("expected ',' or '}' after the value of \"\(key)\", found \(found())")
        }
        depth -= 1
        return .object(members)
    }

    private mutating func key(afterComma: Bool) throws(JSON5SyntaxError) -> String {
        if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") { return try string() }
        if isIdentifierStart(bytes[i]) { return identifierText() }
        throw failure("expected \(afterComma ? "a key or '}' after ','" : "a key or '}'"), found \(found())")
    }

    private mutating func array() throws(JSON5SyntaxError) -> JSONValue {
        let open = i
        try enter()
        i += 1
        var elements: [JSONValue] = []
        while true {
            try skipSpace()
            guard i < bytes.count else {
                throw failure("the list opened at \(position(of: open)) is not closed: expected a value or ']', found the end of the file")
            }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            elements.append(try value(expected: "a value or ']'"))
            try skipSpace()
            guard i < bytes.count else {
                throw failure("the list opened at \(position(of: open)) is not closed: expected ',' or ']' after item \(elements.count), found the end of the file")
            }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw failure("expected ',' or ']' after item \(elements.count) of the list, found \(found())")
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func enter() throws(JSON5SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw failure("objects and lists are nested more than \(Self.maximumDepth) deep") }
    }

    // MARK: Strings

    private mutating func string() throws(JSON5SyntaxError) -> String {
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

    private mutating func escape(into out: inout [UInt8]) throws(JSON5SyntaxError) {
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

    private mutating func hex(digits: Int, escape: Int) throws(JSON5SyntaxError) -> UInt32 {
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

    private func appendScalar(_ code: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private func quoteName(_ quote: UInt8) -> String { quote == UInt8(ascii: "'") ? "a closing '" : "a closing \"" }

    // MARK: Numbers

    private mutating func number() throws(JSON5SyntaxError) -> Double {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
            let word = identifierText()
            if word == "Infinity" { return negative ? -.infinity : .infinity }
            if word == "NaN" { return .nan }
            i = start + 1
            guard i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") else {
                throw failure("expected a number after '\(Character(Unicode.Scalar(bytes[start])))', found \(found())")
            }
        }
        if bytes[i] == UInt8(ascii: "0"), i + 1 < bytes.count, bytes[i + 1] | 0x20 == UInt8(ascii: "x") {
            i += 2
            var value = 0.0
            let digits = i
            while i < bytes.count, let d = hexValue(bytes[i]) { value = value * 16 + Double(d); i += 1 }
            if i == digits { throw failure("expected hexadecimal digits after 0x, found \(found())") }
            try endOfNumber(start)
            return negative ? -value : value
        }
        let digitsStart = i
        var integer: Int64 = 0
        var simple = true
        var count = 0
        while i < bytes.count, isDigit(bytes[i]) {
            integer = integer &* 10 &+ Int64(bytes[i] - UInt8(ascii: "0"))
            count += 1
            i += 1
        }
        if count > 1, bytes[digitsStart] == UInt8(ascii: "0") {
            i = digitsStart
            throw failure("a number cannot start with 0 followed by more digits (write \(Self.text(bytes, digitsStart + 1, digitsStart + count)) or \"0…\" as a string)")
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            simple = false
            i += 1
            var fraction = 0
            while i < bytes.count, isDigit(bytes[i]) { i += 1; fraction += 1 }
            if count == 0, fraction == 0 { i = start; throw failure("expected a number, found \(found())") }
        } else if count == 0 {
            throw failure("expected a digit, found \(found())")
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            simple = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let exponent = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            if i == exponent { throw failure("expected the exponent's digits after 'e', found \(found())") }
        }
        try endOfNumber(start)
        // Up to 15 digits an integer is exact as a double; longer or with a fraction, the standard conversion.
        if simple, count <= 15 { return negative ? -Double(integer) : Double(integer) }
        let text = Self.text(bytes, bytes[start] == UInt8(ascii: "+") ? start + 1 : start, i)
        guard let value = Double(text) else { i = start; throw failure("\(text) is not a number") }
        return value
    }

    /// `12abc` is not a number followed by a word: say so at the number.
    private mutating func endOfNumber(_ start: Int) throws(JSON5SyntaxError) {
        if i < bytes.count, isIdentifierStart(bytes[i]) || isDigit(bytes[i]) {
            let at = i
            while i < bytes.count, isIdentifierPart(bytes[i]) { i += 1 }
            let text = Self.text(bytes, start, i)
            i = at
            throw failure("\(text) is not a number (text needs quotes: \"\(text)\")")
        }
    }

    // MARK: Words, space and comments

    /// An unquoted key or literal: ASCII letters, digits, `_` and `$`, and any non-ASCII
    /// character but the Unicode spaces (JSON5 allows every Unicode letter there).
    private mutating func identifierText() -> String {
        let start = i
        guard i < bytes.count, isIdentifierStart(bytes[i]), spaceLength(at: i) == 0 else { return "" }
        while i < bytes.count, isIdentifierPart(bytes[i]), spaceLength(at: i) == 0 { i += 1 }
        return Self.text(bytes, start, i)
    }

    private func isIdentifierStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80
    }

    private func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private mutating func skipSpace() throws(JSON5SyntaxError) {
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0B || b == 0x0C { i += 1; continue }
            if b == UInt8(ascii: "/"), i + 1 < bytes.count {
                if bytes[i + 1] == UInt8(ascii: "/") {
                    while i < bytes.count, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                    continue
                }
                if bytes[i + 1] == UInt8(ascii: "*") {
                    let open = i
                    i += 2
                    while i + 1 < bytes.count, !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/")) { i += 1 }
                    guard i + 1 < bytes.count else {
                        i = open
                        throw failure("the comment opened here is not closed: expected */ before the end of the file")
                    }
                    i += 2
                    continue
                }
            }
            let n = spaceLength(at: i)
            guard n > 0 else { return }
            i += n
        }
    }

    /// The length of the non-ASCII space at `at` (NBSP, BOM, the Zs spaces, U+2028/9), or 0.
    private func spaceLength(at at: Int) -> Int {
        let b = bytes[at]
        guard b >= 0xC2 else { return 0 }
        func next(_ k: Int) -> UInt8 { at + k < bytes.count ? bytes[at + k] : 0 }
        switch b {
        case 0xC2: return next(1) == 0xA0 ? 2 : 0
        case 0xE1: return next(1) == 0x9A && next(2) == 0x80 ? 3 : 0
        case 0xE2:
            if next(1) == 0x80, (0x80...0x8A).contains(next(2)) || next(2) == 0xA8 || next(2) == 0xA9 || next(2) == 0xAF { return 3 }
            return next(1) == 0x81 && next(2) == 0x9F ? 3 : 0
        case 0xE3: return next(1) == 0x80 && next(2) == 0x80 ? 3 : 0
        case 0xEF: return next(1) == 0xBB && next(2) == 0xBF ? 3 : 0
        default: return 0
        }
    }

    // MARK: Errors

    /// What is at `i`, for "found …": a word whole, a character quoted, or the end.
    private func found() -> String {
        guard i < bytes.count else { return "the end of the file" }
        let b = bytes[i]
        if b == 0x0A || b == 0x0D { return "the end of the line" }
        if isIdentifierPart(b), b < 0x80 {
            var end = i
            while end < bytes.count, end - i < 24, isIdentifierPart(bytes[end]), bytes[end] < 0x80 { end += 1 }
            return Self.text(bytes, i, end)
        }
        var end = i + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let character = Self.text(bytes, i, end)
        return character == "'" ? "\"'\"" : "'\(character.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } ? character : "\\u{\(String(b, radix: 16))}")'"
    }

    private func position(of offset: Int) -> String {
        let (line, column) = Self.lineAndColumn(bytes, offset)
        return "line \(line), column \(column)"
    }

    private func failure(_ message: String) -> JSON5SyntaxError {
        let (line, column) = Self.lineAndColumn(bytes, i)
        return JSON5SyntaxError(line: line, column: column, message: message)
    }

    /// 1-based; a column counts characters (UTF-8 sequences), not bytes.
    static func lineAndColumn(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> (Int, Int) {
        var line = 1, column = 1
        for k in 0..<min(offset, bytes.count) {
            if bytes[k] == 0x0A { line += 1; column = 1 } else if bytes[k] & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<max(start, min(end, bytes.count))]), as: UTF8.self)
    }
}

/// A JSON5 syntax error: where, and what was expected there.
public struct JSON5SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}
