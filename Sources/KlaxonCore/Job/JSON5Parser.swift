/// A JSON5 reader (https://spec.json5.org) straight from UTF-8 bytes to `JSONValue`.
///
/// Klaxon's own rather than Foundation's JSON5 mode: a mistake in a job file must be
/// reported with its line, column and what was expected there (Foundation says only
/// "The given data was not valid JSON."), and going through `Decodable` cost seconds
/// on a job of 100,000 alerts.
struct JSON5Parser {
    /// Deeper than any job, shallow enough that the recursion cannot exhaust a thread's stack.
    static let maximumDepth = 256

    // Internal rather than private: the strings, numbers and spaces are read in
    // extensions in files of their own.
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
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

    // MARK: Errors

    /// What is at `i`, for "found …": a word whole, a character quoted, or the end.
    func found() -> String {
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

    func position(of offset: Int) -> String {
        let (line, column) = Self.lineAndColumn(bytes, offset)
        return "line \(line), column \(column)"
    }

    func failure(_ message: String) -> JSON5SyntaxError {
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

    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
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
