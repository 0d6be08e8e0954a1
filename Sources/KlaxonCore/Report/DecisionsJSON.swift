/// The run report's `decisions` array, written as bytes exactly as the
/// report's `JSONEncoder` (pretty-printed, sorted keys, slashes unescaped)
/// writes it inside the report object.
///
/// A report lists every decision that is not `ok` or `held`: at 100,000
/// companies 25,000 `insufficient_data` ones, and `JSONEncoder` spent 10% of
/// such a run's instructions building a boxed value per field of each. Here
/// a decision is appended field by field to one byte array; `ReportArchive`
/// encodes the rest of the report with `JSONEncoder` and puts these bytes in
/// the place of its empty `decisions` array. `ReportArchiveTests` holds the
/// two encodings equal on awkward strings and values.
struct DecisionsJSON: Sendable {
    /// From `[` to `]`, indented for the report's top level.
    private(set) var bytes: [UInt8] = []
    /// A value `JSONEncoder` refuses (NaN, ±infinity) makes the whole report
    /// fail to encode; the caller then lets `JSONEncoder` do so, as before.
    private(set) var encodable = true

    init(_ decisions: [InstanceDecision]) {
        guard !decisions.isEmpty else {
            bytes = Array("[\n\n  ]".utf8)
            return
        }
        bytes.reserveCapacity(decisions.count * 120)
        append("[\n")
        for (k, decision) in decisions.enumerated() {
            append(k == 0 ? "    {\n" : ",\n    {\n")
            // Keys in sorted order; a nil field is left out, as `encodeIfPresent` does.
            field("alert", first: true)
            string(decision.alert)
            field("company")
            string(decision.company)
            field("decision")
            string(decision.decision.rawValue)
            if let destination = decision.destination {
                field("destination")
                string(destination)
            }
            if let level = decision.level {
                field("level")
                string(level.rawValue)
            }
            if let silenced = decision.silenced {
                field("silenced")
                string(silenced)
            }
            if let value = decision.value {
                guard value.isFinite else {
                    encodable = false
                    return
                }
                field("value")
                number(value)
            }
            append("\n    }")
        }
        append("\n  ]")
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `"key" : ` on its own line at the decision's indentation.
    private mutating func field(_ key: StaticString, first: Bool = false) {
        append(first ? "      \"" : ",\n      \"")
        append(key)
        append("\" : ")
    }

    /// `JSONEncoder`'s number: the shortest round-tripping spelling, without a trailing `.0`.
    private mutating func number(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// `JSONEncoder`'s string escapes: `"` and `\` with a backslash, the
    /// control characters below 0x20 as `\b \t \n \f \r` or `\u00xx` (lower
    /// case), every other byte (`/`, DEL, non-ASCII) as it is.
    private mutating func string(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var plain = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain..<i]))
                plain = i + 1
                switch byte {
                case 0x22: append("\\\"")
                case 0x5C: append("\\\\")
                case 0x08: append("\\b")
                case 0x09: append("\\t")
                case 0x0A: append("\\n")
                case 0x0C: append("\\f")
                case 0x0D: append("\\r")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plain...]))
        }
        bytes.append(0x22)
    }
}
