import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite("ByteParsing")
struct ByteParsingTests {
    private func parse<T>(_ text: String, _ parser: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer(parser)
    }

    private func int64(_ text: String) -> Int64? { parse(text, ByteParsing.int64) }
    private func micros(_ text: String) -> Int64? { parse(text, ByteParsing.micros) }
    private func double(_ text: String) -> Double? { parse(text, ByteParsing.double) }
    private func epoch(_ text: String, offset: Int = 0) -> Int64? {
        parse(text) { ByteParsing.epochSeconds($0, assumingOffset: offset) }
    }

    private let newYork = TimeZone(identifier: "America/New_York")
    private func epoch(_ text: String, in zone: inout LocalTimeConverter) -> Int64? {
        parse(text) { ByteParsing.epochSeconds($0, localTime: &zone) }
    }

    // MARK: integers

    @Test func integerAcceptsSignAndSurroundingSpaces() {
        #expect(int64("0") == 0)
        #expect(int64("-0") == 0)
        #expect(int64("+7") == 7)
        #expect(int64(" 12\t") == 12)
        #expect(int64("-00042") == -42)
    }

    @Test func integerReachesBothInt64Limits() {
        #expect(int64("9223372036854775807") == .max)
        #expect(int64("-9223372036854775808") == .min)
    }

    @Test func integerRejectsOverflow() {
        #expect(int64("9223372036854775808") == nil)
        #expect(int64("-9223372036854775809") == nil)
        #expect(int64("99999999999999999999999") == nil)
    }

    @Test(arguments: ["", " ", "-", "+", "12a", "1.0", "1 2", "--1", "0x10", "１２", "1e3"])
    func integerRejectsGarbage(_ text: String) {
        #expect(int64(text) == nil)
    }

    // MARK: fixed-point decimals

    @Test func decimalReadsAsMicroUnits() {
        #expect(micros("12.345") == 12_345_000)
        #expect(micros("-0.5") == -500_000)
        #expect(micros(".5") == 500_000)
        #expect(micros("3") == 3_000_000)
        #expect(micros("3.") == 3_000_000)
        #expect(micros("+0.000001") == 1)
        #expect(micros(" 42 ") == 42_000_000)
        #expect(micros("0") == 0)
    }

    @Test func decimalRoundsHalfAwayFromZeroPastSixDecimals() {
        #expect(micros("1.0000005") == 1_000_001)
        #expect(micros("-1.0000005") == -1_000_001)
        #expect(micros("1.00000049999") == 1_000_000)
        #expect(micros("0.0000004") == 0)
        #expect(micros("0.0000005") == 1)
        #expect(micros("0.9999995") == 1_000_000)
    }

    @Test func decimalAcceptsExponents() {
        #expect(micros("1e3") == 1_000_000_000)
        #expect(micros("1.5E-3") == 1_500)
        #expect(micros("2e+2") == 200_000_000)
        #expect(micros("5e-7") == 1)
        #expect(micros("1e-100000") == 0)
        #expect(micros("0e999999999") == 0)
    }

    @Test func decimalHandlesInt64LimitsAndOverflow() {
        #expect(micros("9223372036854.775807") == .max)
        #expect(micros("-9223372036854.775808") == .min)
        #expect(micros("9223372036854.775808") == nil)
        #expect(micros("9223372036854.7758075") == nil)
        #expect(micros("1e20") == nil)
        #expect(micros("00000000000000000000000001.25") == 1_250_000)
    }

    @Test(arguments: ["", ".", "-", "+.", "-.e1", "1.2.3", "1,5", "abc", "1e", "e5", "1e+", "0x1", "1 2", "--1", "nan", "inf", "1.5x"])
    func decimalRejectsGarbage(_ text: String) {
        #expect(micros(text) == nil)
        #expect(double(text) == nil)
    }

    // MARK: doubles

    @Test func doubleParsesPlainDecimals() {
        #expect(double("12.5") == 12.5)
        #expect(double("-0.001") == -0.001)
        #expect(double(".5") == 0.5)
        #expect(double("7") == 7)
        #expect(double("0.1") == 0.1)
        #expect(double("1e-3") == 0.001)
        #expect(double(" 3.25 ") == 3.25)
        #expect(double("-0")?.sign == .minus)
    }

    @Test func doubleIsCorrectlyRoundedOnTheSlowPath() {
        #expect(double("123456789012345678901234567890") == 123456789012345678901234567890.0)
        #expect(double("0.30000000000000004441") == 0.30000000000000004)
        #expect(double("1.7976931348623157e308") == .greatestFiniteMagnitude)
        #expect(double("4.9e-324") == .leastNonzeroMagnitude)
    }

    @Test func doubleRejectsOverflowToInfinity() {
        #expect(double("1e309") == nil)
        #expect(double("-1e400") == nil)
    }

    // MARK: timestamps

    @Test func timestampWithSpaceOrTSeparatorIsUTCByDefault() {
        #expect(epoch("1970-01-01 00:00:00") == 0)
        #expect(epoch("2000-01-01T00:00:00") == 946_684_800)
        #expect(epoch("1969-12-31 23:59:59") == -1)
        #expect(epoch("9999-12-31 23:59:59") == 253_402_300_799)
        #expect(epoch(" 2024-01-15 08:30:00 ") == 1_705_307_400)
    }

    @Test func timestampAcceptsLeapDayOnlyInLeapYears() {
        #expect(epoch("2024-02-29 00:00:00") == 1_709_164_800)
        #expect(epoch("2000-02-29 00:00:00") == 951_782_400)
        #expect(epoch("2023-02-29 00:00:00") == nil)
        #expect(epoch("1900-02-29 00:00:00") == nil)
    }

    @Test func timestampTruncatesFractionalSeconds() {
        #expect(epoch("2024-01-15 08:30:00.999999") == 1_705_307_400)
        #expect(epoch("2024-01-15T08:30:00,5Z") == 1_705_307_400)
        #expect(epoch("2024-01-15 08:30:00.") == nil)
    }

    @Test func timestampHonoursWrittenZone() {
        let utc: Int64 = 1_705_307_400  // 2024-01-15 08:30:00Z
        #expect(epoch("2024-01-15T08:30:00Z") == utc)
        #expect(epoch("2024-01-15T08:30:00z", offset: 3600) == utc)
        #expect(epoch("2024-01-15T10:30:00+02:00") == utc)
        #expect(epoch("2024-01-15T10:30:00+0200") == utc)
        #expect(epoch("2024-01-15T10:30:00+02") == utc)
        #expect(epoch("2024-01-15T03:00:00-05:30") == utc)
        #expect(epoch("2024-01-15T13:30:00.123+05:00") == utc)
    }

    @Test func zonelessTimestampUsesCallerOffset() {
        #expect(epoch("2024-01-15 10:30:00", offset: 7200) == 1_705_307_400)
        #expect(epoch("2024-01-15 03:00:00", offset: -19800) == 1_705_307_400)
    }

    @Test func leapSecondReadsAsStartOfNextMinute() {
        #expect(epoch("2016-12-31 23:59:60") == epoch("2017-01-01 00:00:00"))
    }

    @Test(arguments: [
        "", "2024-01-15", "2024-01-15 08:30", "2024-13-01 00:00:00", "2024-00-10 00:00:00",
        "2024-04-31 00:00:00", "2024-01-00 00:00:00", "2024-01-15 24:00:00", "2024-01-15 12:60:00",
        "2024-01-15 12:00:61", "0000-00-00 00:00:00", "2024/01/15 08:30:00", "2024-01-15_08:30:00",
        "24-01-15 08:30:00", "2024-1-15 08:30:00", "2024-01-15 08:30:00 UTC", "2024-01-15 08:30:00+",
        "2024-01-15 08:30:00+2", "2024-01-15 08:30:00+02:", "2024-01-15 08:30:00+02:60",
        "2024-01-15 08:30:00+24:00", "2024-01-15 08:30:00Zx", "2024-01-15 08:30:00+02:00:00",
    ])
    func timestampRejectsMalformedOrOutOfRange(_ text: String) {
        #expect(epoch(text) == nil)
    }

    @Test func newYorkLocalTimeFollowsDaylightSavingTime() throws {
        var zone = LocalTimeConverter(timeZone: try #require(newYork))
        #expect(epoch("2024-01-15 12:00:00", in: &zone) == 1_705_338_000)  // EST, UTC-5
        #expect(epoch("2024-07-01 12:00:00", in: &zone) == 1_719_849_600)  // EDT, UTC-4
        #expect(epoch("2024-03-10 01:59:59", in: &zone) == 1_710_053_999)
        #expect(epoch("2024-03-10 03:00:00", in: &zone) == 1_710_054_000)
        #expect(epoch("2024-11-03 02:00:00", in: &zone) == 1_730_617_200)
    }

    @Test func skippedLocalTimeUsesOffsetBeforeTheJump() throws {
        var zone = LocalTimeConverter(timeZone: try #require(newYork))
        #expect(epoch("2024-03-10 02:30:00", in: &zone) == 1_710_055_800)  // = 03:30 EDT
    }

    @Test func repeatedLocalTimeResolvesToEarlierInstant() throws {
        var zone = LocalTimeConverter(timeZone: try #require(newYork))
        #expect(epoch("2024-11-03 01:30:00", in: &zone) == 1_730_611_800)  // 01:30 EDT
    }

    @Test func oneOffTimeZoneVariantResolvesDaylightSavingTimeToo() throws {
        let zone = try #require(newYork)
        let oneOff = { (text: String) in self.parse(text) { ByteParsing.epochSeconds($0, timeZone: zone) } }
        #expect(oneOff("2024-01-15 12:00:00") == 1_705_338_000)
        #expect(oneOff("2024-07-01 12:00:00") == 1_719_849_600)
        #expect(oneOff("2024-03-10 02:30:00") == 1_710_055_800)
        #expect(oneOff("2024-11-03 01:30:00") == 1_730_611_800)
    }

    @Test func writtenOffsetWinsOverTimeZone() throws {
        let zone = try #require(newYork)
        #expect(parse("2024-07-01T12:00:00Z") { ByteParsing.epochSeconds($0, timeZone: zone) } == 1_719_835_200)
    }

    @Test func utcTimeZoneTakesFixedOffsetPath() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(parse("2024-01-15 08:30:00") { ByteParsing.epochSeconds($0, timeZone: utc) } == 1_705_307_400)
        let plusTwo = try #require(TimeZone(secondsFromGMT: 7200))
        #expect(parse("2024-01-15 10:30:00") { ByteParsing.epochSeconds($0, timeZone: plusTwo) } == 1_705_307_400)
    }

    /// For every instant t in a year (10-minute steps, shuffled to defeat the day
    /// cache, then sorted), the wall time w = t + offset(t) must convert back to an
    /// instant showing w, and to t itself unless w is ambiguous (then earlier);
    /// the cached converter and the uncached one-off path must agree.
    @Test(arguments: ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo"])
    func localTimeConversionRoundTripsEveryInstant(_ identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        var converter = LocalTimeConverter(timeZone: zone)
        let offset = { (t: Int64) in Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))) }
        var instants = Array(stride(from: Int64(1_704_067_200), to: 1_735_689_600, by: 600))
        var rng = SplitMix64(seed: 42)
        instants.shuffle(using: &rng)
        var failures: [Int64] = []
        for t in instants + instants.sorted() {
            let wall = t + offset(t)
            let back = converter.utcSeconds(fromLocal: wall)
            let uncached = LocalTimeConverter.resolve(wall, in: zone)
            if back + offset(back) != wall || back > t || uncached != back { failures.append(t) }
        }
        #expect(failures.isEmpty, "\(identifier): \(failures.prefix(5))")
    }

    @Test func daysFromCivilMatchesKnownDates() {
        #expect(ByteParsing.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(ByteParsing.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
        #expect(ByteParsing.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(ByteParsing.daysFromCivil(year: 1, month: 1, day: 1) == -719_162)
    }

    @Test func fieldConveniencesParseTheFieldBytes() throws {
        let reader = CSVReader(bytes: Array("42,\"1,5\",2.5,2024-01-15 08:30:00\n".utf8))
        var got: [String] = []
        try reader.read(record: { r in
            got = ["\(r[0].int64 ?? -1)", "\(r[1].micros ?? -1)", "\(r[2].double ?? -1)", "\(r[2].micros ?? -1)",
                   "\(r[3].epochSeconds() ?? -1)", "\(r[3].epochSeconds(assumingOffset: 3600) ?? -1)"]
        }, malformed: { _ in })
        #expect(got == ["42", "-1", "2.5", "2500000", "1705307400", "1705303800"])
    }

    /// Plain digits take a one-pass path; its values must be the general parser's.
    @Test func plainIntegersKeepTheirValues() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...20, using: &generator)
            let text = String((0..<digits).map { _ in "0123456789".randomElement(using: &generator)! })
            #expect(int64(text) == Int64(text), "\(text)")
        }
        #expect(int64("999999999999999999") == 999_999_999_999_999_999 && int64("9223372036854775807") == .max)
        #expect(int64("9223372036854775808") == nil && int64("12a") == nil && int64(" 12") == 12 && int64("-0") == 0)
    }

    /// The one-pass path for plain charges must give what the general parser
    /// gives, and leave every other form to it.
    @Test func plainChargesTakeTheFastPathWithTheSameValues() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let whole = String(String(UInt64.random(in: 0...999_999_999_999, using: &generator)).prefix(Int.random(in: 1...12, using: &generator)))
            let decimals = Int.random(in: -1...6, using: &generator)
            let fraction = decimals < 0 ? "" : "." + String((0..<decimals).map { _ in "0123456789".randomElement(using: &generator)! })
            let text = whole + fraction
            let padded = decimals < 0 ? "" : String(fraction.dropFirst()).padding(toLength: 6, withPad: "0", startingAt: 0)
            let expected = Int64(whole)! * 1_000_000 + (padded.isEmpty ? 0 : Int64(padded)!)
            #expect(parse(text, ByteParsing.plainMicros) == expected, "\(text)")
            #expect(micros(text) == expected, "\(text)")
        }
        for text in ["-1.5", "+2", " 3.1", "3.1 ", "1.1234567", "1e3", ".5", "", "1.2.3", "1,5", "1234567890123.5", "0.0000005"] {
            #expect(parse(text, ByteParsing.plainMicros) == nil, "\(text)")
        }
        #expect(micros("1.1234567") == 1_123_457 && micros("0.0000005") == 1 && micros("1234567890123.5") == 1_234_567_890_123_500_000)
    }

    /// The 8-byte path (`d.dddddd`) gives the byte loop's value for every
    /// integer digit and many fractions, and declines 8 bytes of any other
    /// shape: bytes just outside the digits (`/` and `:`), a comma, a sign.
    @Test func eightByteChargesReadAsOneWordWithTheSameValues() {
        var generator = SystemRandomNumberGenerator()
        for whole in 0...9 {
            for fraction in [0, 1, 9, 10, 99_999, 100_000, 500_000, 999_999] + (0..<2_000).map({ _ in Int.random(in: 0...999_999, using: &generator) }) {
                let text = "\(whole)." + String(String(fraction).reversed()).padding(toLength: 6, withPad: "0", startingAt: 0).reversed()
                let expected = Int64(whole) * 1_000_000 + Int64(fraction)
                #expect(parse(text) { ByteParsing.eightByteMicros($0.baseAddress!) } == expected, "\(text)")
                #expect(micros(text) == expected, "\(text)")
            }
        }
        for text in ["0.01699/", "0.01699:", "/.016992", ":.016992", "0,016992", "0.0169 2", "-0.01699", "00016992", "0..16992", "0.0169\u{B9}"] {
            let bytes = Array(text.utf8)
            #expect(bytes.count == 8, "\(text) is no eight-byte case")
            #expect(bytes.withUnsafeBufferPointer { ByteParsing.eightByteMicros($0.baseAddress!) } == nil, "\(text)")
        }
        #expect(micros("-0.01699") == -16_990 && micros("00016992") == 16_992_000_000)
    }
}
