/// `String(format: "%.Nf", locale: Locale(identifier: "en_US_POSIX"), value)`
/// without Foundation, which takes tens of microseconds a call.
///
/// With a locale, Foundation formats a double the way ICU does: from its
/// shortest round-trip decimal digits (what `description` prints), rounded
/// half-even to N decimals, the sign kept even when the result is zero
/// (`-0.004` → `-0.00`). That is not C's `printf`, which rounds the exact
/// binary value (`2.675` → `2.67`, where Foundation writes `2.68`).
///
/// Money takes `.halfAwayFromZero` instead: the commercial rounding a billing
/// person does by hand on the same digits (0.125 → 0.13, -2.675 → -2.68).
enum FixedDecimal {
    enum Rounding { case halfEven, halfAwayFromZero }

    /// nil for what this does not cover (inf, nan, magnitudes from 10¹⁵ on):
    /// the caller formats those with Foundation.
    static func format(_ value: Double, decimals: Int, rounding: Rounding = .halfEven) -> String? {
        guard value.isFinite, abs(value) < 1e15, decimals >= 0, decimals <= 17 else { return nil }
        guard var (digits, point) = shortestDigits(abs(value)) else { return nil }
        // Round to the `point + decimals` digits down to 10^-decimals, on the
        // digits (not the binary value).
        let keep = point + decimals
        if keep < digits.count {
            var up = false
            // keep < 0: the value is below a tenth of the last place kept, so it rounds to 0.
            if keep >= 0 {
                let first = digits[keep]
                if first > 5 || (first == 5 && digits[(keep + 1)...].contains { $0 != 0 }) {
                    up = true
                } else if first == 5 {
                    up = rounding == .halfAwayFromZero || (keep > 0 && digits[keep - 1] % 2 == 1)
                }
            }
            digits.removeSubrange(max(keep, 0)...)
            if up {
                // 0.995 → 1.00: the carry can add a digit in front.
                var i = digits.count - 1
                while i >= 0 && digits[i] == 9 { digits[i] = 0; i -= 1 }
                if i >= 0 { digits[i] += 1 } else { digits.insert(1, at: 0); point += 1 }
            }
        }
        // digits[k] is the digit of 10^(point - 1 - k); zeros where there is none.
        func digit(_ k: Int) -> UInt8 { UInt8(ascii: "0") + UInt8(k >= 0 && k < digits.count ? digits[k] : 0) }
        var text: [UInt8] = value.sign == .minus ? [UInt8(ascii: "-")] : []
        if point <= 0 { text.append(UInt8(ascii: "0")) }
        for k in 0..<max(point, 0) { text.append(digit(k)) }
        if decimals > 0 {
            text.append(UInt8(ascii: "."))
            for k in point..<point + decimals { text.append(digit(k)) }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The shortest round-trip digits of `value` (≥ 0) without leading zeros,
    /// and how many of them come before the decimal point (may be ≤ 0 or more
    /// than there are digits): 0.0052 → ([5, 2], -2), 1.5e+16 → ([1, 5], 17).
    /// Zero is ([], 0).
    static func shortestDigits(_ value: Double) -> (digits: [Int], point: Int)? {
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(text[text.index(after: e)...]) else { return nil }
            exponent = x
            mantissa = text[..<e]
        }
        var digits: [Int] = []
        var point: Int?
        for c in mantissa {
            if c == "." { point = digits.count; continue }
            guard let d = c.wholeNumberValue, c.isASCII else { return nil }
            digits.append(d)
        }
        var before = (point ?? digits.count) + exponent
        while let first = digits.first, first == 0 { digits.removeFirst(); before -= 1 }
        while let last = digits.last, last == 0 { digits.removeLast() }
        return digits.isEmpty ? ([], 0) : (digits, before)
    }
}
