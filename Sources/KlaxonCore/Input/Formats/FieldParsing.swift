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

    /// Epoch seconds; a stamp without a zone is local time on `clock`.
    static func timestamp(_ field: CSVField, clock: inout LocalTimeConverter) -> Int64? {
        ByteParsing.epochSeconds(field.bytes, localTime: &clock)
    }
}
