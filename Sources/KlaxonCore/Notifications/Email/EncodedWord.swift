import Foundation

/// RFC 2047 encoded-words (`=?UTF-8?B?…?=`) for non-ASCII header text.
///
/// Always the B (base64) encoding: it is valid unchanged in every place an
/// encoded-word may appear (unstructured text and display-name phrases), where
/// Q would need a different set of escapes per place (RFC 2047 §5).
public enum EncodedWord {
    /// RFC 2047 §2: an encoded-word may not be more than 75 characters long,
    /// including charset, encoding, encoded text and delimiters.
    public static let maximumLength = 75

    private static let prefix = "=?UTF-8?B?"
    private static let suffix = "?="

    /// True when `text` cannot be sent as it is: it holds anything outside
    /// printable ASCII and space, or the sequence "=?" that a reader would take
    /// for the start of an encoded-word and decode into something else.
    public static func needsEncoding(_ text: String) -> Bool {
        text.unicodeScalars.contains { !(0x20...0x7E).contains($0.value) } || text.contains("=?")
    }

    /// Encodes `text` as one or more encoded-words, in order; an empty array
    /// for empty text. Join them with a space or a fold (CRLF + space): readers
    /// drop whitespace between adjacent encoded-words (RFC 2047 §6.2), so the
    /// decoded text is exactly `text`.
    ///
    /// Each word is at most `maximumLength` characters; the first is at most
    /// `firstWordMaximumLength` when the first character fits in that, so a
    /// caller can make it fit the rest of the first header line. Words end only
    /// between grapheme clusters (an emoji with its modifiers stays in one
    /// word); only a cluster too big for one word on its own (pathological
    /// stacks of combining marks) is cut, and then between Unicode scalars, so
    /// no word ever holds part of a UTF-8 sequence and each decodes on its own.
    public static func encode(_ text: String, firstWordMaximumLength: Int = maximumLength) -> [String] {
        let fullCapacity = byteCapacity(forWordLength: maximumLength)
        var words: [String] = []
        var chunk: [UInt8] = []
        var capacity = byteCapacity(forWordLength: min(firstWordMaximumLength, maximumLength))
        for unit in units(of: text, maximumBytes: fullCapacity) {
            if chunk.count + unit.count > capacity {
                if !chunk.isEmpty {
                    words.append(word(for: chunk))
                    chunk = []
                }
                // Either the first word is done, or not even its first
                // character fits the first-word room: from here on every word
                // may use the full length (the caller's folding copes).
                capacity = fullCapacity
            }
            chunk += unit
        }
        if !chunk.isEmpty {
            words.append(word(for: chunk))
        }
        return words
    }

    /// How many bytes fit in one word of `length` characters: base64 turns
    /// every 3 bytes (or fewer, padded) into 4 characters.
    static func byteCapacity(forWordLength length: Int) -> Int {
        let textRoom = length - prefix.utf8.count - suffix.utf8.count
        return max(0, textRoom / 4) * 3
    }

    /// The UTF-8 bytes of each grapheme cluster, or of each scalar of a cluster
    /// that would not fit in a word by itself (a scalar is at most 4 bytes).
    private static func units(of text: String, maximumBytes: Int) -> [[UInt8]] {
        var units: [[UInt8]] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= maximumBytes {
                units.append(bytes)
            } else {
                for scalar in character.unicodeScalars {
                    units.append(Array(String(scalar).utf8))
                }
            }
        }
        return units
    }

    private static func word(for bytes: [UInt8]) -> String {
        prefix + Data(bytes).base64EncodedString() + suffix
    }
}
