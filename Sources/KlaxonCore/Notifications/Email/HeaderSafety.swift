import Foundation

/// Guards against header injection.
///
/// Every piece of text that ends up in a protocol line (an e-mail header, an
/// SMTP envelope command, an SMS gateway parameter) goes through here first:
/// a CR or LF inside such a value would let whoever controls the value start a
/// new header (`Bcc:`) or a new SMTP command. Other control characters are
/// dropped too, because mail software treats them inconsistently (NUL ends
/// C strings, VT/FF are line breaks to some parsers, ESC reaches terminals).
public enum HeaderSafety {
    /// Returns `value` with every run of line-break characters (CR, LF, VT, FF,
    /// NEL, U+2028, U+2029) replaced by one space, TAB turned into a space, and
    /// every other control character (C0, DEL, C1) removed.
    ///
    /// Breaks become a space rather than nothing so that a multi-line template
    /// such as "Trunk down\nsite A" still reads as two words; no space is added
    /// at either end or next to existing whitespace. The result contains no
    /// character that can end a line, so it can never start a new header field.
    public static func strippingLineBreaks(_ value: String) -> String {
        // Printable ASCII holds nothing to replace or drop; most values are that,
        // and rebuilding them scalar by scalar was a visible part of composing a message.
        if value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) { return value }
        var output = String.UnicodeScalarView()
        var pendingBreak = false
        for scalar in value.unicodeScalars {
            if isLineBreak(scalar) {
                pendingBreak = true
                continue
            }
            let replacement: Unicode.Scalar
            if scalar == "\t" {
                replacement = " "
            } else if isControl(scalar) {
                continue
            } else {
                replacement = scalar
            }
            if pendingBreak {
                pendingBreak = false
                let lastIsSpace = output.last == " "
                if !output.isEmpty, !lastIsSpace, replacement != " " {
                    output.append(" ")
                }
            }
            output.append(replacement)
        }
        return String(output)
    }

    /// True when `value` holds any character that `strippingLineBreaks(_:)`
    /// would change (line breaks, TAB, other control characters). Used where a
    /// value must be rejected rather than repaired, such as addresses: silently
    /// rewriting an address would deliver mail somewhere nobody asked for.
    public static func containsUnsafeCharacters(_ value: String) -> Bool {
        value.unicodeScalars.contains { isLineBreak($0) || isControl($0) || $0 == "\t" }
    }

    /// Line terminators that some mail or SMS software honours. U+2028/U+2029
    /// and NEL are not line ends in RFC 5322, but several clients render them
    /// as such, which is enough to forge a convincing fake header in a display.
    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Unicode general category Cc: C0 controls, DEL and C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// A header field name may only hold printable ASCII except ":" (RFC 5322
    /// §2.2). A name with anything else is refused (nil) rather than repaired:
    /// stripping "X-A\r\nBcc: b" down to "X-ABccb" would only produce a
    /// different, meaningless field.
    static func validHeaderName(_ name: String) -> String? {
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { (33...126).contains($0.value) && $0 != ":" }
        return valid ? name : nil
    }
}
