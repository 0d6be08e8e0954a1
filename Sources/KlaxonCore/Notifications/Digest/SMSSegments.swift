/// How many concatenated SMS segments a text takes (3GPP TS 23.038 and 23.040).
///
/// A text made only of GSM 03.38 characters is sent in GSM-7: 160 septets fit
/// one SMS, and a longer text goes in parts of 153 (the rest carries the
/// concatenation header). Characters of the extension table (`€ [ ] { } \ ^ ~ |`
/// and form feed) take two septets, an escape and the character, and a part
/// never ends between the two. Any other character makes the whole text UCS-2:
/// 70 UTF-16 units in one SMS, parts of 67, a surrogate pair never split.
public enum SMSSegments {
    public static let defaultMaxSegments = 3
    /// Twilio refuses bodies past 10 segments (1,600 characters); others are stricter still.
    public static let largestMaxSegments = 10

    public enum Encoding: String, Sendable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }

    /// The encoding a gateway would choose for `text`.
    public static func encoding(of text: String) -> Encoding {
        text.unicodeScalars.allSatisfy { septets($0) != nil } ? .gsm7 : .ucs2
    }

    /// The number of SMS the text is sent as; an empty text is still one SMS.
    public static func count(_ text: String) -> Int {
        switch encoding(of: text) {
        case .gsm7: return pack(text.unicodeScalars.map { septets($0) ?? 1 }, single: 160, part: 153)
        case .ucs2: return pack(text.unicodeScalars.map { $0.utf16.count }, single: 70, part: 67)
        }
    }

    /// Whether `text` fits in `segments` SMS.
    public static func fits(_ text: String, within segments: Int) -> Bool { count(text) <= segments }

    /// `text` cut at a character so that it and `suffix` fit in `segments` SMS; the whole of
    /// `text` when it already fits. Used only when even the shortest digest is too long.
    public static func truncate(_ text: String, suffix: String, within segments: Int) -> String {
        if fits(text + suffix, within: segments) { return text + suffix }
        let characters = Array(text)
        var low = 0
        var high = characters.count
        // The longest prefix that still fits: fitting only gets harder as the prefix grows.
        while low < high {
            let mid = (low + high + 1) / 2
            if fits(String(characters[..<mid]) + suffix, within: segments) { low = mid } else { high = mid - 1 }
        }
        return String(characters[..<low]) + suffix
    }

    /// Units per character in one message, or split into parts that never divide a character.
    private static func pack(_ units: [Int], single: Int, part: Int) -> Int {
        let total = units.reduce(0, +)
        if total <= single { return 1 }
        var parts = 1
        var used = 0
        for u in units {
            if used + u > part {
                parts += 1
                used = 0
            }
            used += u
        }
        return parts
    }

    /// Septets for one scalar in GSM-7, or nil when the GSM alphabet lacks it.
    static func septets(_ scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }

    /// The GSM 03.38 default alphabet, as Unicode (the escape itself is left out).
    private static let basic: Set<Unicode.Scalar> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà".unicodeScalars)

    /// The default extension table: reached with an escape, so two septets each.
    private static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
