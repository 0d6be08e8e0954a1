import Foundation

/// Replaces secrets in error text. Short secrets are still replaced: an operator
/// log showing "[redacted]" in an odd place is better than a leaked PIN.
///
/// A gateway or mail server that refuses a credential tends to quote it back in
/// whatever encoding its answer uses, so every secret is looked for in each form
/// it can take there: as sent, read as Latin-1, in base64 (standard and URL-safe, with and without
/// padding), JSON-escaped (`\/`, `\uXXXX`), percent-encoded (either hex case, as a
/// URL part or a form value) and HTML-escaped, and each encoding of its base64 too.
package enum Redaction {
    package static func apply(_ secrets: [String], to text: String) -> String {
        var result = text
        var forms: Set<String> = []
        for secret in secrets where !secret.isEmpty { forms.formUnion(Self.forms(of: secret)) }
        // Longest first, so a secret containing another one is removed whole.
        for form in forms.sorted(by: { $0.count > $1.count }) where result.contains(form) {
            result = result.replacingOccurrences(of: form, with: "[redacted]")
        }
        return result
    }

    /// `secret` in every encoding an HTTP or SMTP answer may quote it in.
    package static func forms(of secret: String) -> Set<String> {
        // HTTP header values are Latin-1 to many servers: a UTF-8 secret comes back as mojibake.
        let latin1 = String(String.UnicodeScalarView(secret.utf8.map { Unicode.Scalar($0) }))
        var bases = [secret, latin1]
        for plain in [secret, latin1] {
            let standard = Data(plain.utf8).base64EncodedString()
            let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            bases += [standard, urlSafe, String(standard.prefix { $0 != "=" }), String(urlSafe.prefix { $0 != "=" })]
        }
        var forms: Set<String> = []
        for base in bases where !base.isEmpty {
            forms.insert(base)
            for escapeSlash in [false, true] {
                for uppercase in [nil, false, true] {
                    forms.insert(json(base, escapeSlash: escapeSlash, uppercase: uppercase, everything: false))
                }
            }
            for uppercase in [false, true] { forms.insert(json(base, escapeSlash: true, uppercase: uppercase, everything: true)) }
            for kept in [unreserved, unreserved + "/", formSafe] {
                for plus in [false, true] {
                    for uppercase in [false, true] { forms.insert(percent(base, keeping: kept, spaceAsPlus: plus, uppercase: uppercase)) }
                }
            }
            forms.insert(html(base))
        }
        return forms
    }

    private static let unreserved = "-._~"
    private static let formSafe = "-._*"

    /// A JSON string's content. `uppercase` is the hex case of `\u` escapes, nil to leave
    /// non-ASCII text as it is; `everything` escapes all but ASCII letters and digits.
    private static func json(_ text: String, escapeSlash: Bool, uppercase: Bool?, everything: Bool) -> String {
        if uppercase == nil {
            return text.unicodeScalars.map { $0.isASCII ? json(String($0), escapeSlash: escapeSlash, uppercase: false, everything: false) : String($0) }.joined()
        }
        let uppercase = uppercase ?? false
        var out = ""
        for unit in text.utf16 {
            let scalar = Unicode.Scalar(unit)
            switch scalar {
            case "\"": out += everything ? hex(unit, uppercase) : "\\\""
            case "\\": out += everything ? hex(unit, uppercase) : "\\\\"
            case "/": out += everything ? hex(unit, uppercase) : (escapeSlash ? "\\/" : "/")
            case let s? where s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s)):
                out.unicodeScalars.append(s)
            case let s? where !everything && s.value >= 0x20 && s.value < 0x7F:
                out.unicodeScalars.append(s)
            default: out += hex(unit, uppercase)
            }
        }
        return out
    }

    private static func hex(_ unit: UInt16, _ uppercase: Bool) -> String {
        String(format: uppercase ? "\\u%04X" : "\\u%04x", unit)
    }

    private static func percent(_ text: String, keeping kept: String, spaceAsPlus: Bool, uppercase: Bool) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || kept.unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if byte == UInt8(ascii: " "), spaceAsPlus {
                out += "+"
            } else {
                out += String(format: uppercase ? "%%%02X" : "%%%02x", byte)
            }
        }
        return out
    }

    private static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#x27;")
    }
}
