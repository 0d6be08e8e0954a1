import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// SMS segment counting (3GPP TS 23.038/23.040), which keeps SMS digests within `sms.max_segments`.
@Suite struct SMSSegmentsTests {
    @Test(arguments: [
        (0, 1), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4),
    ])
    func gsm7TextTakes160InOneAnd153APart(length: Int, segments: Int) {
        let text = String(repeating: "a", count: length)
        #expect(SMSSegments.encoding(of: text) == .gsm7)
        #expect(SMSSegments.count(text) == segments)
    }

    @Test func extensionCharactersCountTwoSeptets() {
        #expect(SMSSegments.count(String(repeating: "€", count: 80)) == 1)
        #expect(SMSSegments.count(String(repeating: "€", count: 81)) == 2)
        #expect(SMSSegments.count(String(repeating: "a", count: 159) + "[") == 2)
        #expect(SMSSegments.encoding(of: "{[~]}|^\\€") == .gsm7)
    }

    @Test func anEscapeSequenceIsNeverSplitBetweenParts() {
        // 152 + 2 + 151 + 1 = 306 septets: two parts by arithmetic, but the "€" cannot
        // straddle the first boundary, so it starts the second part and one septet spills over.
        let text = String(repeating: "a", count: 152) + "€" + String(repeating: "a", count: 152)
        #expect(SMSSegments.count(text) == 3)
    }

    @Test(arguments: [(70, 1), (71, 2), (134, 2), (135, 3)])
    func ucs2TextTakes70InOneAnd67APart(length: Int, segments: Int) {
        let text = String(repeating: "ж", count: length)
        #expect(SMSSegments.encoding(of: text) == .ucs2)
        #expect(SMSSegments.count(text) == segments)
    }

    @Test func oneCharacterOutsideTheGSMAlphabetMakesTheWholeTextUCS2() {
        // "Ç" is GSM-7, "ç" is not: 100 characters then take two UCS-2 parts instead of one GSM-7 SMS.
        #expect(SMSSegments.count(String(repeating: "a", count: 99) + "Ç") == 1)
        #expect(SMSSegments.count(String(repeating: "a", count: 99) + "ç") == 2)
        #expect(SMSSegments.encoding(of: "Café — ok") == .ucs2, "the em dash is not GSM-7")
    }

    @Test func aSurrogatePairIsNeverSplitBetweenParts() {
        // 66 + 2 + 66 = 134 UTF-16 units would be two parts of 67, but the emoji moves whole.
        let text = String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 66)
        #expect(SMSSegments.count(text) == 3)
        #expect(SMSSegments.count(String(repeating: "😀", count: 35)) == 1)
    }

    @Test func truncateKeepsTheLongestPrefixThatFitsWithItsSuffix() {
        let text = String(repeating: "b", count: 400)
        let cut = SMSSegments.truncate(text, suffix: "\n+3 more", within: 1)
        #expect(cut.count == 160)
        #expect(cut.hasSuffix("b\n+3 more"))
        #expect(SMSSegments.truncate("short", suffix: "!", within: 1) == "short!")
    }
}
