import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The fast paths of `ValueFormatter` against the Foundation formatting they
/// replaced: the same text for every value, or messages would change.
@Suite("Value formatting")
struct ValueFormatterTests {
    static func foundationFixed(_ value: Double, decimals: Int) -> String {
        String(format: "%.\(decimals)f", locale: Locale(identifier: "en_US_POSIX"), value)
    }

    /// Values where rounding to 1 or 2 decimals is delicate, plus the ends of the range.
    static let edgeValues: [Double] = [
        0, -0.0, 0.005, 0.015, 0.025, 0.045, 1.005, 2.675, 1.115, 0.05, 0.15, 0.25, 0.35, 0.95, 9.995, 99.995,
        -0.005, -0.004, -0.05, -2.675, 0.0049999999, 1e-300, -1e-300, 5e-5, -0.00051, 0.004999, 0.125, 0.375, 2.5, 3.5, -0.5, 1.5, 9.995, 99.995, 999.95, 123456789.125, 999999999999999.9,
        1e15, -1e15, 1e16, 1e300, -1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 4503599627370495.5,
        27.45, 27.55, 30, 29.999, 31.0000001, 500.004999, 500.005, 12.5, 0.1 + 0.2,
    ]

    @Test("fixed decimals match String(format:) for edge and random values")
    func fixedMatchesFoundation() {
        for decimals in 0...3 {
            for value in Self.edgeValues {
                #expect(ValueFormatter.fixed(value, decimals: decimals) == Self.foundationFixed(value, decimals: decimals),
                        "value \(value), \(decimals) decimals")
            }
        }
        var random = SplitMix64(seed: 0x5EED_F1E1D)
        for _ in 0..<40_000 {
            let bits = random.next()
            // Charges in micro-units, values on a half-cent boundary, ratios as ASR
            // and ACD compute them, and arbitrary doubles.
            let value: Double
            switch bits % 4 {
            case 0: value = Double(Int64(bitPattern: random.next()) % 100_000_000) / 1_000_000
            case 1: value = (Double(Int64(bitPattern: random.next()) % 2_000_000) + 0.5) / 100
            case 2: value = Double(random.next() % 5_000) / Double(random.next() % 5_000 + 1) * 100
            default: value = Double(bitPattern: random.next())
            }
            let decimals = Int((bits >> 8) % 3)
            let expected = Self.foundationFixed(value, decimals: decimals)
            let actual = ValueFormatter.fixed(value, decimals: decimals)
            #expect(actual == expected, "value \(value) (bits \(value.bitPattern)), \(decimals) decimals")
            if actual != expected { return }
        }
    }

    @Test("percentages and money read as before")
    func formattedValues() {
        #expect(ValueFormatter.format(27.449, area: .asr, currency: "") == "27.4%")
        #expect(ValueFormatter.format(30, area: .asr, currency: "") == "30%")
        #expect(ValueFormatter.format(-0.01, area: .asr, currency: "") == "0%")
        #expect(ValueFormatter.format(1.004, area: .balance, currency: "USD") == "1.00 USD")
        #expect(ValueFormatter.format(-3.5, area: .spend, currency: "") == "-3.50")
        #expect(ValueFormatter.format(2.5, area: .minutes, currency: "") == "2.5")
    }

    /// A billing person rounds a half cent away from zero, from the decimal value as written
    /// (0.125 is 0.13, although 0.125 is exactly representable and half-even would give 0.12).
    @Test("money rounds half away from zero, from the decimal value")
    func moneyRoundsCommercially() {
        let cases: [(Double, String)] = [
            (0.125, "0.13"), (0.135, "0.14"), (1.005, "1.01"), (2.675, "2.68"), (1.115, "1.12"), (0.005, "0.01"),
            (-0.125, "-0.13"), (-1.005, "-1.01"), (-2.675, "-2.68"), (9.995, "10.00"), (99.995, "100.00"),
            (123456789.125, "123456789.13"), (1.0049999, "1.00"), (0.124999, "0.12"), (12.5, "12.50"),
            (0.1 + 0.2, "0.30"), (-0.004, "0.00"), (-0.0, "0.00"), (0, "0.00"), (8.2, "8.20"),
        ]
        for (value, expected) in cases {
            #expect(ValueFormatter.format(value, area: .balance, currency: "USD") == "\(expected) USD", "\(value)")
            #expect(ValueFormatter.format(value, area: .spend, currency: "") == expected, "\(value)")
        }
        // Only money: an ASR on the boundary keeps the rounding the messages always had.
        #expect(ValueFormatter.format(27.25, area: .asr, currency: "") == "27.2%")
    }

    /// What `duration(seconds:)` wrote with `String(format:)`.
    static func foundationDuration(_ seconds: Double) -> String {
        let total = Int64(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        if h > 0 { return String(format: "%dh%02dm%02ds", h, m, s) }
        if m > 0 { return String(format: "%dm%02ds", m, s) }
        return "\(s)s"
    }

    @Test("durations match the String(format:) forms")
    func durations() {
        #expect(ValueFormatter.duration(seconds: 125) == "2m05s")
        #expect(ValueFormatter.duration(seconds: 3723) == "1h02m03s")
        #expect(ValueFormatter.duration(seconds: 44.5) == "45s")
        var random = SplitMix64(seed: 42)
        let fixed: [Double] = [0, -1, -61, -3601, 59.5, 60, 3599.5, 3600, 86_399, 360_000_000, 7_730_941_132_800, 1e12]
        let samples = fixed + (0..<5_000).map { _ in Double(Int64(bitPattern: random.next()) % 1_000_000_000) / 10 }
        for seconds in samples {
            #expect(ValueFormatter.duration(seconds: seconds) == Self.foundationDuration(seconds), "\(seconds) s")
        }
    }

    @Test("timestamps match ISO8601DateFormatter, leap days and years 1 and 9999 included")
    func timestamps() {
        let fixed: [Int64] = [0, -1, 1, 951_782_400, 951_868_799, 4_107_542_399, 1_796_083_200, 1_796_169_599,
                              -62_135_596_800, -62_135_596_801, 253_402_300_799, 253_402_300_800, -2_208_988_800, 68_256_000_000]
        var random = SplitMix64(seed: 7)
        let samples = fixed + (0..<5_000).map { _ in Int64(bitPattern: random.next()) % 300_000_000_000 }
        for t in samples {
            #expect(ValueFormatter.timestamp(t) == ValueFormatter.formatterTimestamp(t), "epoch \(t)")
        }
        #expect(ValueFormatter.timestamp(1_796_083_200) == "2026-12-01T00:00:00Z")
    }
}

/// `trimming(_:)`, which skips Foundation when there is nothing to trim, against Foundation.
@Suite("Trimming")
struct TrimmingTests {
    @Test("the same result as trimmingCharacters(in:) for both sets")
    func sameAsFoundation() {
        let pieces = ["a", " ", "\t", "\n", "\r", "\u{85}", "\u{A0}", "\u{2003}", "\u{2028}", "é", "~", "!", "\u{7F}", "\u{0B}", "x y"]
        var random = SplitMix64(seed: 99)
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int(random.next() % 6) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            #expect(text.trimming(.whitespaces) == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
            #expect(text.trimming(.whitespacesAndNewlines) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }
}
