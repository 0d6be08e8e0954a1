/// A name as written in a tag: `.` (the current item) or dotted parts such as `company.id`.
struct TemplateName: Sendable, Equatable {
    let raw: String
    /// Empty for `.`.
    let parts: [String]
}

/// The parsed form of a template; sections own their body so rendering is a tree walk.
enum TemplateNode: Sendable {
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, inverted: Bool, body: [TemplateNode])
}

/// Turns template source into a ``TemplateNode`` tree.
///
/// Works on UTF-8 bytes: every delimiter is ASCII, so cutting the source only at
/// delimiter positions always yields valid UTF-8, and byte scanning keeps large
/// templates cheap. Positions are turned into line/column only when reporting errors.
struct TemplateParser {
    private let bytes: [UInt8]
    private let templateName: String
    private let maxDepth: Int

    init(source: String, name: String, maxDepth: Int) {
        self.bytes = Array(source.utf8)
        self.templateName = name
        self.maxDepth = maxDepth
    }

    func parse() throws(TemplateError) -> (nodes: [TemplateNode], uses: [TemplateVariableUse]) {
        let tokens = try tokenize()
        return (try buildTree(from: tokens), uses(in: tokens))
    }

    /// Where each variable and section name is written, for errors about names that
    /// parse but mean nothing. One pass over the source: tokens come in order.
    private func uses(in tokens: [Token]) -> [TemplateVariableUse] {
        var uses: [TemplateVariableUse] = []
        var line = 1, lineStart = 0, scanned = 0
        for case .tag(let kind, let name?, let start) in tokens where kind != .close && !name.parts.isEmpty {
            while scanned < start {
                if bytes[scanned] == Self.newline { line += 1; lineStart = scanned + 1 }
                scanned += 1
            }
            uses.append(TemplateVariableUse(name: name.raw, line: line, column: text(lineStart..<start).count + 1))
        }
        return uses
    }

    // MARK: - Tokens

    private enum TagKind: Equatable {
        case variable(escaped: Bool)
        case section
        case inverted
        case close
        case comment

        /// Variables produce output, so removing their line would lose content.
        var canStandAlone: Bool {
            if case .variable = self { false } else { true }
        }
    }

    private enum Token {
        case text(Range<Int>)
        /// `start` is the offset of the opening `{{`, kept for error locations.
        case tag(TagKind, TemplateName?, start: Int)
    }

    private static let openBrace = UInt8(ascii: "{")
    private static let closeBrace = UInt8(ascii: "}")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    private static func isInlineSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        isInlineSpace(byte) || byte == newline || byte == carriageReturn
    }

    private func tokenize() throws(TemplateError) -> [Token] {
        var tokens: [Token] = []
        var textStart = 0
        var position = 0
        while let open = find(Self.openBrace, Self.openBrace, from: position) {
            var textEnd = open
            let (kind, name, tagEnd) = try readTag(at: open)
            position = tagEnd
            // Mustache's standalone rule: a section or comment tag alone on its line
            // disappears together with its indentation and line ending, so templates
            // can put block tags on their own lines without leaving blank lines behind.
            if kind.canStandAlone,
               let lineStart = standaloneLineStart(before: open),
               let lineEnd = standaloneLineEnd(after: tagEnd) {
                textEnd = max(lineStart, textStart)
                position = lineEnd
            }
            if textStart < textEnd {
                tokens.append(.text(textStart..<textEnd))
            }
            if kind != .comment {
                tokens.append(.tag(kind, name, start: open))
            }
            textStart = position
        }
        if textStart < bytes.count {
            tokens.append(.text(textStart..<bytes.count))
        }
        return tokens
    }

    /// Reads the tag whose `{{` is at `open`; returns its kind, name (nil for comments)
    /// and the offset just past its closing braces.
    private func readTag(at open: Int) throws(TemplateError) -> (TagKind, TemplateName?, Int) {
        if open + 2 < bytes.count, bytes[open + 2] == Self.openBrace {
            let contentStart = open + 3
            guard let close = findTagClose(from: contentStart, allowNestedOpen: false) else {
                throw error(at: open, "tag \"\(linePreview(from: open))\" is never closed with \"}}}\"")
            }
            guard close + 2 < bytes.count, bytes[close + 2] == Self.closeBrace else {
                throw error(at: open, "triple mustache \"{{{\(text(contentStart..<close).trimmingTagWhitespace.shortenedForMessage)\" must be closed with \"}}}\", not \"}}\"")
            }
            let name = try parseName(text(contentStart..<close), at: open)
            return (.variable(escaped: false), name, close + 3)
        }

        var contentStart = open + 2
        while contentStart < bytes.count, Self.isSpace(bytes[contentStart]) {
            contentStart += 1
        }
        let sigil: Character? = contentStart < bytes.count ? Character(UnicodeScalar(bytes[contentStart])) : nil
        // A comment ends at its first `}}` (as in Mustache), but may contain a stray `{{`.
        guard let close = findTagClose(from: contentStart, allowNestedOpen: sigil == "!") else {
            throw error(at: open, "tag \"\(linePreview(from: open))\" is never closed with \"}}\"")
        }
        let end = close + 2
        let kind: TagKind
        switch sigil {
        case "!": return (.comment, nil, end)
        case "#": kind = .section
        case "^": kind = .inverted
        case "/": kind = .close
        case "&": kind = .variable(escaped: false)
        case ">": throw error(at: open, "partials (\"{{>\") are not supported")
        case "=": throw error(at: open, "delimiter changes (\"{{=\") are not supported")
        default:
            return (.variable(escaped: true), try parseName(text(contentStart..<close), at: open), end)
        }
        return (kind, try parseName(text((contentStart + 1)..<close), at: open), end)
    }

    private func parseName(_ rawName: String, at open: Int) throws(TemplateError) -> TemplateName {
        let raw = rawName.trimmingTagWhitespace
        if raw.isEmpty {
            throw error(at: open, "empty tag")
        }
        if raw.contains(where: { $0.isWhitespace }) {
            // The likeliest cause is a Handlebars helper copied from the softswitch.
            throw error(at: open, "tag name \"\(raw.shortenedForMessage)\" contains whitespace (Handlebars helpers such as \"#if\" or \"#each\" are not supported; use \"{{#name}}\")")
        }
        if raw.contains(where: { $0 == "{" || $0 == "}" }) {
            throw error(at: open, "tag name \"\(raw.shortenedForMessage)\" contains a brace")
        }
        if raw == "." {
            return TemplateName(raw: raw, parts: [])
        }
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.contains(where: \.isEmpty) {
            throw error(at: open, "invalid name \"\(raw.shortenedForMessage)\" (use \".\" for the current item, or dotted names like \"company.id\")")
        }
        return TemplateName(raw: raw, parts: parts)
    }

    // MARK: - Tree

    private struct OpenSection {
        let name: TemplateName
        let inverted: Bool
        let start: Int
        var body: [TemplateNode] = []
    }

    /// Iterative so that nesting depth can never exhaust the parser's own stack.
    private func buildTree(from tokens: [Token]) throws(TemplateError) -> [TemplateNode] {
        var root: [TemplateNode] = []
        var open: [OpenSection] = []

        func append(_ node: TemplateNode) {
            if open.isEmpty {
                root.append(node)
            } else {
                open[open.count - 1].body.append(node)
            }
        }

        for token in tokens {
            switch token {
            case .text(let range):
                append(.text(text(range)))
            case .tag(let kind, let name, let start):
                guard let name else { continue }
                switch kind {
                case .variable(let escaped):
                    append(.variable(name, escaped: escaped))
                case .section, .inverted:
                    guard open.count < maxDepth else {
                        throw error(at: start, "sections are nested more than \(maxDepth) deep")
                    }
                    open.append(OpenSection(name: name, inverted: kind == .inverted, start: start))
                case .close:
                    guard let section = open.popLast() else {
                        throw error(at: start, "\"/\(name.raw)\" closes a section that was never opened")
                    }
                    guard section.name == name else {
                        throw error(at: start, "section \"\(section.name.raw)\" opened on line \(location(of: section.start).line) is closed by \"/\(name.raw)\"")
                    }
                    append(.section(section.name, inverted: section.inverted, body: section.body))
                case .comment:
                    continue
                }
            }
        }
        if let unclosed = open.last {
            throw error(at: unclosed.start, "section \"\(unclosed.name.raw)\" is never closed (expected \"{{/\(unclosed.name.raw)}}\")")
        }
        return root
    }

    // MARK: - Scanning helpers

    private func find(_ first: UInt8, _ second: UInt8, from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == first, bytes[index + 1] == second {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The offset of the `}}` ending a tag. Unless `allowNestedOpen`, meeting another
    /// `{{` first means this tag was left open, which is reported at the tag itself
    /// rather than as a confusing name that swallowed the next tag.
    private func findTagClose(from start: Int, allowNestedOpen: Bool) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == Self.closeBrace, bytes[index + 1] == Self.closeBrace {
                return index
            }
            if !allowNestedOpen, bytes[index] == Self.openBrace, bytes[index + 1] == Self.openBrace {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// The rest of the line from `start`, to quote an unclosed tag in its error.
    private func linePreview(from start: Int) -> String {
        var end = start
        while end < bytes.count, bytes[end] != Self.newline {
            end += 1
        }
        return text(start..<end).trimmingTagWhitespace.shortenedForMessage
    }

    /// Start of the tag's line if only spaces/tabs precede the tag on it.
    private func standaloneLineStart(before open: Int) -> Int? {
        var index = open
        while index > 0 {
            let byte = bytes[index - 1]
            if byte == Self.newline { return index }
            guard Self.isInlineSpace(byte) else { return nil }
            index -= 1
        }
        return 0
    }

    /// Offset just past the tag's line ending (`\n`, `\r\n` or end of input) if only
    /// spaces/tabs follow the tag on its line.
    private func standaloneLineEnd(after end: Int) -> Int? {
        var index = end
        while index < bytes.count, Self.isInlineSpace(bytes[index]) {
            index += 1
        }
        if index == bytes.count { return index }
        if bytes[index] == Self.newline { return index + 1 }
        if bytes[index] == Self.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == Self.newline {
            return index + 2
        }
        return nil
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private func location(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == Self.newline {
            line += 1
            lineStart = index + 1
        }
        return (line, text(lineStart..<offset).count + 1)
    }

    private func error(at offset: Int, _ message: String) -> TemplateError {
        let (line, column) = location(of: offset)
        return TemplateError(name: templateName, line: line, column: column, message: message)
    }
}

private extension String {
    var trimmingTagWhitespace: String {
        String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Quoted source in error messages is cut short so that hostile input cannot
    /// paste megabytes into a log line.
    var shortenedForMessage: String {
        count > 40 ? prefix(40) + "…" : self
    }
}
