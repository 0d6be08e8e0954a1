/// Unquoted words (keys and literals), white space and comments.
extension JSON5Parser {
    /// An unquoted key or literal: ASCII letters, digits, `_` and `$`, and any non-ASCII
    /// character but the Unicode spaces (JSON5 allows every Unicode letter there).
    mutating func identifierText() -> String {
        let start = i
        guard i < bytes.count, isIdentifierStart(bytes[i]), spaceLength(at: i) == 0 else { return "" }
        while i < bytes.count, isIdentifierPart(bytes[i]), spaceLength(at: i) == 0 { i += 1 }
        return Self.text(bytes, start, i)
    }

    func isIdentifierStart(_ b: UInt8) -> Bool {
        (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "z")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "$") || b >= 0x80
    }

    func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }

    func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    mutating func skipSpace() throws(JSON5SyntaxError) {
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
    func spaceLength(at: Int) -> Int {
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
}
