import Foundation

/// Number and timestamp parsing straight from field bytes, without creating
/// Strings (except `double`'s rare fallback, see there).
///
/// Every parser trims surrounding spaces and tabs and returns nil for anything
/// it does not fully accept: garbage, trailing text, overflow, impossible dates.
public enum ByteParsing {
    /// `[+-]digits`, e.g. `42`, `-7`, `+0`. Nil on overflow of Int64.
    public static func int64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        // Durations, SIP codes and PDDs: 1 to 18 digits and nothing else, in one pass.
        if bytes.count > 0 && bytes.count <= 18, let base = bytes.baseAddress {
            var value: Int64 = 0
            var k = 0
            while k < bytes.count {
                let digit = base[k] &- 48
                guard digit < 10 else { break }
                value = value &* 10 &+ Int64(digit)
                k &+= 1
            }
            if k == bytes.count { return value }
        }
        var i = firstNonBlank(bytes)
        let end = endOfNonBlank(bytes, from: i)
        var negative = false
        if i < end && (bytes[i] == minus || bytes[i] == plus) {
            negative = bytes[i] == minus
            i += 1
        }
        guard i < end else { return nil }
        // Accumulate negatively so Int64.min parses.
        var value: Int64 = 0
        while i < end {
            let digit = Int64(bytes[i]) - 48
            guard digit >= 0 && digit <= 9 else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = shifted.subtractingReportingOverflow(digit)
            guard !o1 && !o2 else { return nil }
            value = next
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// Decimal as fixed-point micro-units (10^-6): `12.345` -> 12_345_000.
    ///
    /// Accepts `[+-]digits[.digits][e[+-]digits]`, also `.5` and `5.`; digits past
    /// the sixth decimal round half away from zero. Nil on garbage or Int64 overflow.
    public static func micros(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let plain = plainMicros(bytes) { return plain }
        guard let number = DecimalText(bytes) else { return nil }
        // Digit k (0-based, over integer then fraction digits) sits at 10^(intCount-1-k);
        // the micro-unit digit is the one at 10^-6.
        let kept = number.intCount + number.exponent + 6
        var magnitude: UInt64 = 0
        var k = 0
        while k < kept {
            let digit = k < number.digitCount ? UInt64(number.digit(k)) : 0
            let (shifted, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = shifted.addingReportingOverflow(digit)
            guard !o1 && !o2 else { return nil }
            magnitude = next
            k += 1
            if k >= number.digitCount && magnitude == 0 { break }  // zeros all the way
        }
        if kept >= 0 && kept < number.digitCount && number.digit(kept) >= 5 {
            let (next, overflow) = magnitude.addingReportingOverflow(1)
            guard !overflow else { return nil }
            magnitude = next
        }
        if number.negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// `d.dddddd`, the spelling of most charges (`0.016992`), read as one
    /// 8-byte word: the dot and the seven digits checked and combined with
    /// three multiplies instead of a loop over the bytes (~100 instructions a
    /// charge, two charges a row). Nil for any other 8 bytes. With the dot
    /// read as a `0`, the word is the eight digits `d0dddddd`, which is the
    /// charge in micro-units plus 9,000,000 × d.
    @inline(__always)
    package static func eightByteMicros(_ base: UnsafePointer<UInt8>) -> Int64? {
        let word = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self))
        guard (word >> 8) & 0xFF == 0x2E else { return nil }
        let digits = (word & ~0xFF00) | 0x3000
        // A digit is 0x30–0x39: its high nibble 3 and its low nibble below 10.
        let low = digits & 0x0F0F_0F0F_0F0F_0F0F
        guard digits & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
              (low &+ 0x7676_7676_7676_7676) & 0x8080_8080_8080_8080 == 0
        else { return nil }
        // Pairs, then fours, then all eight digits; the first byte is the most significant.
        var v = (low &* 2561) >> 8 & 0x00FF_00FF_00FF_00FF
        v = (v &* 6_553_601) >> 16 & 0x0000_FFFF_0000_FFFF
        v = (v &* 42_949_672_960_001) >> 32
        return Int64(truncatingIfNeeded: v) &- 9_000_000 &* Int64(truncatingIfNeeded: low & 0xFF)
    }

    /// `micros` of the form charges nearly always have, `digits[.digits]` with
    /// at most 12 integer and 6 decimal digits and nothing around them, in one
    /// pass; nil for anything else, which the general parser then reads.
    @inline(__always)
    package static func plainMicros(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = bytes.count
        guard n > 0, n <= 19, let base = bytes.baseAddress else { return nil }
        if n == 8, let charge = eightByteMicros(base) { return charge }
        var i = 0
        var whole: Int64 = 0
        while i < n {
            let digit = base[i] &- 48
            guard digit < 10 else { break }
            whole = whole &* 10 &+ Int64(digit)
            i &+= 1
        }
        guard i > 0, i <= 12 else { return nil }
        if i == n { return whole &* 1_000_000 }
        guard base[i] == 0x2E, n - i - 1 <= 6 else { return nil }
        i &+= 1
        var fraction: Int64 = 0
        var scale: Int64 = 1_000_000
        while i < n {
            let digit = base[i] &- 48
            guard digit < 10 else { return nil }
            fraction = fraction &* 10 &+ Int64(digit)
            scale /= 10
            i &+= 1
        }
        return whole &* 1_000_000 &+ fraction &* scale
    }

    /// Decimal as Double, same syntax as `micros` (no hex, inf or nan).
    /// Correctly rounded; nil when out of Double's finite range.
    public static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let number = DecimalText(bytes) else { return nil }
        // Exact when both the integer mantissa and the power of ten are exact
        // doubles: one IEEE operation rounds once (Clinger's fast path).
        if number.digitCount <= 15 {
            var mantissa: Int64 = 0
            for k in 0..<number.digitCount { mantissa = mantissa * 10 + Int64(number.digit(k)) }
            let scale = number.intCount + number.exponent - number.digitCount
            if mantissa == 0 { return number.negative ? -0.0 : 0.0 }
            if scale >= -22 && scale <= 22 {
                let m = Double(mantissa)
                let value = scale < 0 ? m / exactPowersOfTen[-scale] : m * exactPowersOfTen[scale]
                return number.negative ? -value : value
            }
        }
        // Rare (long mantissas, big exponents): let the standard library round.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[number.start..<number.end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Epoch seconds of `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:MM]|±HHMM]`.
    ///
    /// Fractional seconds are truncated. A stamp without a zone is taken to be at
    /// `assumingOffset` seconds east of UTC (0 = UTC). Second 60 (a leap second)
    /// reads as the first second of the next minute.
    public static func epochSeconds(_ bytes: UnsafeBufferPointer<UInt8>, assumingOffset offset: Int = 0) -> Int64? {
        guard let stamp = Timestamp(bytes) else { return nil }
        return stamp.wallSeconds - Int64(stamp.offset ?? offset)
    }

    /// Like `epochSeconds(_:assumingOffset:)`, but a zone-less stamp is local time
    /// in `zone` (DST-aware, with the day's offset cached in `zone`).
    /// Keep one converter per column or file to benefit from the cache.
    public static func epochSeconds(_ bytes: UnsafeBufferPointer<UInt8>, localTime zone: inout LocalTimeConverter) -> Int64? {
        guard let stamp = Timestamp(bytes) else { return nil }
        if let offset = stamp.offset { return stamp.wallSeconds - Int64(offset) }
        return zone.utcSeconds(fromLocal: stamp.wallSeconds)
    }

    /// One-off form of `epochSeconds(_:localTime:)` for a zone-less stamp in
    /// `timeZone`: no cache, about two Foundation offset look-ups per call (none
    /// for UTC). Prefer a kept `LocalTimeConverter` in loops over rows.
    public static func epochSeconds(_ bytes: UnsafeBufferPointer<UInt8>, timeZone: TimeZone) -> Int64? {
        guard let stamp = Timestamp(bytes) else { return nil }
        if let offset = stamp.offset { return stamp.wallSeconds - Int64(offset) }
        if LocalTimeConverter.isUTC(timeZone) { return stamp.wallSeconds }
        return LocalTimeConverter.resolve(stamp.wallSeconds, in: timeZone)
    }

    /// The stamp's wall-clock seconds (as if UTC) and the offset it names, if any;
    /// nil where `epochSeconds` would return nil.
    package static func wallClock(_ bytes: UnsafeBufferPointer<UInt8>) -> (seconds: Int64, offset: Int?)? {
        guard let stamp = Timestamp(bytes) else { return nil }
        return (stamp.wallSeconds, stamp.offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    package static let minus = UInt8(ascii: "-")
    package static let plus = UInt8(ascii: "+")

    package static func firstNonBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
        return i
    }

    package static func endOfNonBlank(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = bytes.count
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return end
    }

    /// 10^0 ... 10^22: every one is exactly representable as a Double.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The validated pieces of `[+-]digits[.digits][e[+-]digits]`.
    private struct DecimalText {
        package let bytes: UnsafeBufferPointer<UInt8>
        package let start: Int, end: Int  // the trimmed text
        package let negative: Bool
        package let intStart: Int, intCount: Int
        package let fracStart: Int, fracCount: Int
        package let exponent: Int  // clamped: beyond ±100_000 nothing changes but the loop length

        package var digitCount: Int { intCount + fracCount }

        /// k-th digit over integer then fraction digits, as 0...9.
        package func digit(_ k: Int) -> UInt8 {
            (k < intCount ? bytes[intStart + k] : bytes[fracStart + k - intCount]) &- 48
        }

        package init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            start = ByteParsing.firstNonBlank(bytes)
            end = ByteParsing.endOfNonBlank(bytes, from: start)
            var i = start
            var negative = false
            if i < end && (bytes[i] == ByteParsing.minus || bytes[i] == ByteParsing.plus) {
                negative = bytes[i] == ByteParsing.minus
                i += 1
            }
            self.negative = negative
            intStart = i
            while i < end && isDigit(bytes[i]) { i += 1 }
            intCount = i - intStart
            if i < end && bytes[i] == UInt8(ascii: ".") { i += 1 }
            fracStart = i
            while i < end && isDigit(bytes[i]) { i += 1 }
            fracCount = i - fracStart
            guard intCount + fracCount > 0 else { return nil }
            var exponent = 0
            if i < end && (bytes[i] | 0x20) == UInt8(ascii: "e") {
                i += 1
                var negativeExponent = false
                if i < end && (bytes[i] == ByteParsing.minus || bytes[i] == ByteParsing.plus) {
                    negativeExponent = bytes[i] == ByteParsing.minus
                    i += 1
                }
                let digitsStart = i
                while i < end && isDigit(bytes[i]) {
                    exponent = min(exponent * 10 + Int(bytes[i] - 48), 100_000)
                    i += 1
                }
                guard i > digitsStart else { return nil }
                if negativeExponent { exponent = -exponent }
            }
            guard i == end else { return nil }
            self.exponent = exponent
        }
    }

    /// A parsed timestamp: wall-clock seconds as if UTC, plus the offset if one was written.
    private struct Timestamp {
        package var wallSeconds: Int64 = 0
        package var offset: Int?

        package init?(_ bytes: UnsafeBufferPointer<UInt8>) {
            var i = ByteParsing.firstNonBlank(bytes)
            let end = ByteParsing.endOfNonBlank(bytes, from: i)
            // Fixed part: YYYY-MM-DD?HH:MM:SS is 19 bytes.
            guard end - i >= 19 else { return nil }
            guard let year = number(bytes, i, 4), bytes[i + 4] == ByteParsing.minus,
                  let month = number(bytes, i + 5, 2), bytes[i + 7] == ByteParsing.minus,
                  let day = number(bytes, i + 8, 2),
                  bytes[i + 10] == UInt8(ascii: " ") || (bytes[i + 10] | 0x20) == UInt8(ascii: "t"),
                  let hour = number(bytes, i + 11, 2), bytes[i + 13] == UInt8(ascii: ":"),
                  let minute = number(bytes, i + 14, 2), bytes[i + 16] == UInt8(ascii: ":"),
                  let second = number(bytes, i + 17, 2)
            else { return nil }
            guard month >= 1 && month <= 12,
                  day >= 1 && day <= ByteParsing.daysInMonth(year: year, month: month),
                  hour < 24, minute < 60, second <= 60
            else { return nil }
            i += 19
            if i < end && (bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",")) {
                i += 1
                let digitsStart = i
                while i < end && isDigit(bytes[i]) { i += 1 }
                guard i > digitsStart else { return nil }
            }
            if i < end {
                let sign = bytes[i]
                if (sign | 0x20) == UInt8(ascii: "z") {
                    offset = 0
                    i += 1
                } else if sign == ByteParsing.plus || sign == ByteParsing.minus {
                    i += 1
                    guard let hours = number(bytes, i, 2, end: end), hours < 24 else { return nil }
                    i += 2
                    var minutes: Int64 = 0
                    if i < end {
                        if bytes[i] == UInt8(ascii: ":") { i += 1 }
                        guard let m = number(bytes, i, 2, end: end), m < 60 else { return nil }
                        minutes = m
                        i += 2
                    }
                    let magnitude = Int(hours * 3600 + minutes * 60)
                    offset = sign == ByteParsing.minus ? -magnitude : magnitude
                }
            }
            guard i == end else { return nil }
            let days = ByteParsing.daysFromCivil(year: year, month: month, day: day)
            wallSeconds = days * 86_400 + hour * 3600 + minute * 60 + second
        }
    }

    /// Value of exactly `count` ASCII digits at `at`, nil if any is not a digit
    /// or they run past `end` (default: the whole buffer).
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ count: Int, end: Int? = nil) -> Int64? {
        guard at + count <= (end ?? bytes.count) else { return nil }
        var value: Int64 = 0
        for i in at..<(at + count) {
            let b = bytes[i]
            guard isDigit(b) else { return nil }
            value = value * 10 + Int64(b - 48)
        }
        return value
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }
}

extension CSVField {
    /// `ByteParsing.int64` of this field.
    public var int64: Int64? { ByteParsing.int64(bytes) }
    /// `ByteParsing.micros` of this field.
    public var micros: Int64? { ByteParsing.micros(bytes) }
    /// `ByteParsing.double` of this field.
    public var double: Double? { ByteParsing.double(bytes) }

    /// `ByteParsing.epochSeconds(_:assumingOffset:)` of this field.
    public func epochSeconds(assumingOffset offset: Int = 0) -> Int64? {
        ByteParsing.epochSeconds(bytes, assumingOffset: offset)
    }

    /// `ByteParsing.epochSeconds(_:timeZone:)` of this field.
    public func epochSeconds(timeZone: TimeZone) -> Int64? {
        ByteParsing.epochSeconds(bytes, timeZone: timeZone)
    }

    /// `ByteParsing.epochSeconds(_:localTime:)` of this field.
    public func epochSeconds(localTime zone: inout LocalTimeConverter) -> Int64? {
        ByteParsing.epochSeconds(bytes, localTime: &zone)
    }
}

