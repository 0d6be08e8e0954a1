import Foundation

/// One mailbox: an addr-spec and an optional display name.
///
/// A value always holds a valid address (the initialiser is failable), so
/// nothing downstream — headers, SMTP `RCPT TO`, `.eml` file names — has to
/// re-check it. The display name is stored with line breaks and control
/// characters already neutralised (see `HeaderSafety`).
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The addr-spec, e.g. `jane@example.com`.
    public let address: String
    /// Free text shown by mail clients, e.g. `Jane Doe`; nil when absent.
    public let displayName: String?

    /// Nil when `address` is not a valid plain addr-spec (see
    /// `isValidAddress(_:)`). An address is rejected rather than repaired
    /// because a repaired address is a different mailbox. The display name is
    /// repaired instead: CR/LF become spaces, control characters go, and an
    /// empty or all-blank name counts as no name.
    public init?(address: String, displayName: String? = nil) {
        guard Self.isValidAddress(address) else { return nil }
        self.address = address
        let name = displayName.map {
            HeaderSafety.strippingLineBreaks($0).trimming(.whitespaces)
        }
        self.displayName = (name?.isEmpty ?? true) ? nil : name
    }

    /// Parses `jane@example.com`, `<jane@example.com>`, `Jane Doe <jane@example.com>`
    /// or `"Doe, Jane" <jane@example.com>`; nil for anything else.
    ///
    /// Any line break or control character anywhere in the input rejects it,
    /// so `"x@y.com\r\nBcc: evil@z.com"` can never become a mailbox. Display
    /// names are read leniently (they are only shown, and are re-quoted or
    /// encoded when rendered); addresses strictly.
    public static func parse(_ input: String) -> MailAddress? {
        guard !HeaderSafety.containsUnsafeCharacters(input) else { return nil }
        let trimmed = input.trimming(.whitespaces)
        guard trimmed.hasSuffix(">") else {
            return MailAddress(address: trimmed)
        }
        // The address is inside the last "<…>"; a quoted display name could
        // itself contain "<".
        guard let open = trimmed.lastIndex(of: "<") else { return nil }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        if name.hasPrefix("\"") {
            guard let unquoted = unquote(name) else { return nil }
            name = unquoted
        }
        return MailAddress(address: address, displayName: name)
    }

    /// Validates a plain addr-spec as used in job files: `local@domain`, with
    /// a dot-atom local part (RFC 5322 §3.4.1, at most 64 octets) and a domain
    /// of at least two dot-separated LDH labels (letters, digits, hyphens; at
    /// most 63 octets each, no hyphen at either end), 254 octets in total
    /// (RFC 5321 §4.5.3.1 limits). Quoted local parts, domain literals and
    /// non-ASCII (SMTPUTF8) addresses are refused: we do not need them and the
    /// SMTP path does not negotiate SMTPUTF8; IDN domains work in punycode.
    /// Spaces, angle brackets and control characters are never allowed.
    public static func isValidAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254,
              let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        return isDotAtom(local) && local.count <= 64 && isHostname(domain)
    }

    /// The mailbox as it appears in a header, unfolded: `Jane Doe <jane@example.com>`,
    /// `"Doe, Jane" <jane@example.com>`, `=?UTF-8?B?…?= <ivan@example.com>`,
    /// or the bare address when there is no display name.
    public var description: String {
        headerPieces().joined(separator: " ")
    }

    /// The mailbox cut into pieces that `HeaderFolding` may fold between.
    /// `firstWordRoom` bounds the first encoded-word of a non-ASCII display
    /// name, so that it can share the first line with the field name.
    func headerPieces(firstWordRoom: Int = EncodedWord.maximumLength) -> [String] {
        guard let displayName else { return [address] }
        return Self.phrasePieces(displayName, firstWordRoom: firstWordRoom) + ["<" + address + ">"]
    }

    /// Renders a display name as an RFC 5322 phrase.
    ///
    /// - Non-ASCII (or text containing "=?"): RFC 2047 encoded-words, which
    ///   may not appear inside a quoted-string (RFC 2047 §5).
    /// - Words of atext separated by single spaces: as they are, so the
    ///   header can fold between them.
    /// - Anything else (".", ",", quotes, double spaces…): one quoted-string,
    ///   with `"` and `\` escaped; if it would not fit in a header line at all,
    ///   encoded-words instead.
    static func phrasePieces(_ name: String, firstWordRoom: Int = EncodedWord.maximumLength) -> [String] {
        if EncodedWord.needsEncoding(name) {
            return EncodedWord.encode(name, firstWordMaximumLength: firstWordRoom)
        }
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isAtext) }) {
            return words.map(String.init)
        }
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" {
                quoted.append("\\")
            }
            quoted.append(character)
        }
        quoted.append("\"")
        // 900 leaves room for "From: ", "<address>" is a separate piece.
        if quoted.utf8.count > 900 {
            return EncodedWord.encode(name)
        }
        return [quoted]
    }

    /// Reads a whole quoted-string, undoing backslash escapes; nil when the
    /// text is not exactly one quoted-string.
    private static func unquote(_ quoted: String) -> String? {
        var result = ""
        var escaped = false
        var closed = false
        for character in quoted.dropFirst() {
            if closed { return nil }
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
            } else {
                result.append(character)
            }
        }
        return closed ? result : nil
    }

    /// atext, RFC 5322 §3.2.3: letters, digits and !#$%&'*+-/=?^_`{|}~
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-/=?^_`{|}~".utf8).contains(byte)
        }
    }

    /// dot-atom-text: atext runs joined by single dots, no dot at either end.
    private static func isDotAtom(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return !bytes.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(isAtext) }
    }

    private static func isHostname(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count),
                  label.first != UInt8(ascii: "-"),
                  label.last != UInt8(ascii: "-") else { return false }
            return label.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"),
                     UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"):
                    return true
                default:
                    return false
                }
            }
        }
    }
}
