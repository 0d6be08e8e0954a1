import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Cells and ids are trimmed without Foundation, and must be trimmed exactly as
/// `trimmingCharacters(in: .whitespaces)` trims them.
@Suite struct WhitespaceTests {
    @Test(arguments: [
        "", " ", "\t", "plain", " lead", "trail ", "\tboth\t", "  in side  ", "\u{00A0}nbsp\u{00A0}", "\u{3000}ideo\u{3000}",
        "\u{2009}thin", "zwsp\u{200B}", "line\n", "\r\ncr", "é", " é ", "e\u{0301} ", " \u{1F4DE}", "\u{202F}", "a\u{205F}",
    ])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(text.trimmingWhitespace == text.trimmingCharacters(in: .whitespaces))
        #expect(Substring(text).trimmingWhitespace == text.trimmingCharacters(in: .whitespaces))
    }

    @Test func theSameScalarsAreWhitespace() {
        for value in 0..<0x11_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(scalar.isTrimmedWhitespace == CharacterSet.whitespaces.contains(scalar), "U+\(String(value, radix: 16))")
        }
    }
}
