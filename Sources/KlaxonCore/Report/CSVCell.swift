/// Writes one CSV cell safely: RFC 4180 quoting, and cells a spreadsheet would
/// run as a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with `'` (behaviour.md "Security").
public enum CSVCell {
    public static func escape(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) {
            // A negative number is data, not a formula; everything else starting so is neutralised.
            if !(first == "-" && Double(text) != nil) { text = "'" + text }
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
