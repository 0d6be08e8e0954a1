/// Text that came from a file or a job, made safe to print: control characters are
/// shown escaped, so that a CR or an escape sequence cannot forge lines in a terminal
/// or a cron mail, and the text is cut at `limit` characters.
enum PrintableText {
    /// `text` as it is when it needs nothing, else escaped and cut.
    static func make(_ text: String, limit: Int = .max) -> String {
        let needsWork = text.unicodeScalars.contains(where: isControl) || (limit != .max && text.unicodeScalars.count > limit)
        guard needsWork else { return text }
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "… (cut)"
                break
            }
            count += 1
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
