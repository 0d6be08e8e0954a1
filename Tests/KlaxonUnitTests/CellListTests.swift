import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The lists of a balance row (`email`, `phone`, `tags`) split on their bytes
/// when ASCII, and must give what the Character split gives for every cell.
@Suite struct CellListTests {
    static func characterSplit(_ text: String) -> [String] {
        text.split(separator: ";").map { $0.trimmingWhitespace }.filter { !$0.isEmpty }
    }

    @Test(arguments: [
        "", ";", ";;", " ; ", "a", "a;b", " a ; b ", "a;;b;", ";a", "prepaid;wholesale", "\ta@x.example;\tb@x.example\t",
        "a\r\n;b", "a;\r\nb", "one two;three", "é;b", "a;\u{0301}b", "x\u{00A0};\u{00A0}y", "\u{1F4DE};+4930",
    ])
    func splitsAsTheCharacterSplitDoes(_ text: String) {
        #expect(CellList.items(text) == Self.characterSplit(text))
    }

    @Test func aSemicolonWithACombiningMarkIsNoSeparator() {
        #expect(CellList.items("a;\u{0301}b") == ["a;\u{0301}b"])
        #expect(CellList.items(" noc@x.example ; billing@x.example ;") == ["noc@x.example", "billing@x.example"])
    }

    @Test func randomCellsSplitAlike() {
        var random = SplitMix64(seed: 18)
        let alphabet: [String] = ["a", "b", ";", " ", "\t", "\r", "\n", "é", "\u{0301}", "\u{00A0}", "@", "."]
        for _ in 0..<2_000 {
            let length = Int(random.next() % 12)
            let text = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
            #expect(CellList.items(text) == Self.characterSplit(text), "\(Array(text.unicodeScalars))")
        }
    }
}
