import Foundation

/// Converts CSV fields to values straight from their bytes (no String per field).
enum FieldParsing {
    static func integer(_ field: CSVField) -> Int64? { ByteParsing.int64(field.bytes) }

    static func micros(_ field: CSVField) -> Int64? { ByteParsing.micros(field.bytes) }

    static func decimal(_ field: CSVField) -> Double? { ByteParsing.double(field.bytes) }

    /// Whole seconds; a fractional duration such as `12.6` is rounded.
    static func seconds(_ field: CSVField) -> Int64? {
        if let whole = ByteParsing.int64(field.bytes) { return whole }
        return ByteParsing.micros(field.bytes).map { ($0 + 500_000) / 1_000_000 }
    }

    /// A company id, trimmed; nil when it is not UTF-8. Ids are identities: repairing
    /// them (with U+FFFD) would merge two companies into one.
    static func identifier(_ field: CSVField) -> String? {
        if field.bytes.contains(where: { $0 >= 0x80 }), ConfigFile.firstInvalidUTF8(Array(field.bytes)) != nil { return nil }
        return field.string.trimmingCharacters(in: .whitespaces)
    }

    /// Why `identifier` refused a field, for the row's rejection.
    static func notUTF8(_ field: CSVField, name: String) -> String {
        let offset = ConfigFile.firstInvalidUTF8(Array(field.bytes)) ?? 0
        let byte = offset < field.count ? String(field.bytes[offset], radix: 16, uppercase: true) : "?"
        return "\(name) is not UTF-8 text (byte 0x\(byte) at position \(offset + 1)); export the file as UTF-8"
    }

    /// Epoch seconds; a stamp without a zone is local time on `clock`.
    static func timestamp(_ field: CSVField, clock: inout LocalTimeConverter) -> Int64? {
        ByteParsing.epochSeconds(field.bytes, localTime: &clock)
    }
}
