import Foundation
import KlaxonEngine

/// Converts CSV fields to values straight from their bytes (no String per field).
enum FieldParsing {
    static func integer(_ field: CSVField) -> Int64? { ByteParsing.int64(field.bytes) }

    /// The plain form's path inlined into the row's parse; the general parser is a call.
    @inline(__always)
    static func micros(_ field: CSVField) -> Int64? { ByteParsing.plainMicros(field.bytes) ?? ByteParsing.micros(field.bytes) }

    static func decimal(_ field: CSVField) -> Double? { ByteParsing.double(field.bytes) }

    /// Whole seconds; a fractional duration such as `12.6` is rounded.
    static func seconds(_ field: CSVField) -> Int64? {
        if let whole = ByteParsing.int64(field.bytes) { return whole }
        return ByteParsing.micros(field.bytes).map { ($0 + 500_000) / 1_000_000 }
    }

    /// A company id, trimmed; nil when it is not UTF-8. Ids are identities: repairing
    /// them (with U+FFFD) would merge two companies into one.
    static func identifier(_ field: CSVField) -> String? {
        if UTF8Check.isNotUTF8(field) { return nil }
        return field.string.trimmingWhitespace
    }


    /// Why a company id field names no company: it is empty, or not UTF-8.
    static func identifierProblem(_ field: CSVField, name: String) -> String {
        UTF8Check.isNotUTF8(field) ? notUTF8(field, name: name) : "empty \(name)"
    }

    /// Why `identifier` refused a field, for the row's rejection.
    static func notUTF8(_ field: CSVField, name: String) -> String {
        let offset = UTF8Check.firstInvalid(Array(field.bytes)) ?? 0
        let byte = offset < field.count ? String(field.bytes[offset], radix: 16, uppercase: true) : "?"
        return "\(name) is not UTF-8 text (byte 0x\(byte) at position \(offset + 1)); export the file as UTF-8"
    }

    /// Epoch seconds; a stamp without a zone is local time on `clock`.
    static func timestamp(_ field: CSVField, clock: inout LocalTimeConverter) -> Int64? {
        ByteParsing.epochSeconds(field.bytes, localTime: &clock)
    }
}

/// Reads one file's `dt` column: the same results as `FieldParsing.timestamp`,
/// faster. It keeps the file's `LocalTimeConverter` and remembers the last
/// plain `YYYY-MM-DD HH:MM:SS` stamp's minute, so that the next stamp in the
/// same minute (most rows of a sorted export) costs a 17-byte comparison and
/// two digits.
struct TimestampParser {
    private var zone: LocalTimeConverter?
    /// The first 17 bytes (`YYYY-MM-DD HH:MM:`) of the last plain stamp, and its minute's wall seconds.
    private var prefixHead: UInt64 = 0
    private var prefixMiddle: UInt64 = 0
    private var prefixTail: UInt8 = 0
    private var prefixWall: Int64 = 0
    private var hasPrefix = false

    init(timezone: TimeZone?) {
        // As FieldParsing.timestamp: a zone at UTC now and without DST reads as UTC.
        if let timezone, timezone.secondsFromGMT() != 0 || timezone.nextDaylightSavingTimeTransition != nil {
            zone = LocalTimeConverter(timeZone: timezone)
        }
    }

    /// Epoch seconds, or nil for a field that is not a timestamp.
    mutating func epochSeconds(_ field: CSVField) -> Int64? {
        let bytes = field.bytes
        guard bytes.count == 19, let base = bytes.baseAddress else { return parse(bytes) }
        let raw = UnsafeRawPointer(base)
        if hasPrefix, raw.loadUnaligned(as: UInt64.self) == prefixHead,
           raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == prefixMiddle, base[16] == prefixTail {
            let tens = base[17] &- 48, ones = base[18] &- 48
            if tens < 10 && ones < 10 {
                let second = Int64(tens) * 10 + Int64(ones)
                if second <= 60 { return local(prefixWall + second) }
            }
            return nil
        }
        guard let stamp = ByteParsing.wallClock(bytes) else { return nil }
        // Exactly 19 bytes and no zone: the fixed layout, validated, so its minute can be reused.
        if stamp.offset == nil {
            prefixHead = raw.loadUnaligned(as: UInt64.self)
            prefixMiddle = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            prefixTail = base[16]
            prefixWall = stamp.seconds - (Int64(base[17] &- 48) * 10 + Int64(base[18] &- 48))
            hasPrefix = true
            return local(stamp.seconds)
        }
        return stamp.seconds - Int64(stamp.offset ?? 0)
    }

    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let stamp = ByteParsing.wallClock(bytes) else { return nil }
        if let offset = stamp.offset { return stamp.seconds - Int64(offset) }
        return local(stamp.seconds)
    }

    @inline(__always)
    private mutating func local(_ wall: Int64) -> Int64 {
        guard zone != nil else { return wall }
        return zone?.utcSeconds(fromLocal: wall) ?? wall
    }
}
