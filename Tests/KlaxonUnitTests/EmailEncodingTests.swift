import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite("Quoted-printable encoding")
struct EmailQuotedPrintableTests {
    typealias Support = EmailTestSupport

    @Test("ASCII text without specials is unchanged apart from CRLF line ends")
    func plainTextIsReadable() {
        #expect(QuotedPrintable.encode("Trunk down\nCalls failing") == "Trunk down\r\nCalls failing")
        #expect(QuotedPrintable.encode("") == "")
        #expect(QuotedPrintable.encode("a\n") == "a\r\n")
    }

    @Test("CRLF, lone CR and lone LF all become CRLF")
    func lineEndsAreNormalised() {
        #expect(QuotedPrintable.encode("a\rb\nc\r\nd\n\re") == "a\r\nb\r\nc\r\nd\r\n\r\ne")
    }

    @Test("an equals sign is encoded as =3D")
    func equalsSign() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
    }

    @Test("whitespace at the end of a line is encoded, elsewhere kept")
    func trailingWhitespace() {
        #expect(QuotedPrintable.encode("a b \nc\t\nd  ") == "a b=20\r\nc=09\r\nd =20")
    }

    @Test("a leading dot is encoded as =2E")
    func leadingDot() {
        #expect(QuotedPrintable.encode(".\n..x\na.b") == "=2E\r\n=2E.x\r\na.b")
    }

    @Test("From at the start of a line is encoded as =46rom")
    func leadingFrom() {
        #expect(QuotedPrintable.encode("From here\nFromage\nsent From x") == "=46rom here\r\nFromage\r\nsent From x")
    }

    @Test("non-ASCII bytes and control characters are hex-encoded in upper case")
    func nonASCIIAndControls() {
        #expect(QuotedPrintable.encode("é€\u{07}\u{7F}") == "=C3=A9=E2=82=AC=07=7F")
    }

    @Test("a line of exactly 76 characters stays whole; 77 gets a soft break")
    func lineLengthBoundary() {
        let exact = String(repeating: "x", count: 76)
        #expect(QuotedPrintable.encode(exact) == exact)
        let over = String(repeating: "x", count: 77)
        #expect(QuotedPrintable.encode(over) == String(repeating: "x", count: 75) + "=\r\nxx")
    }

    @Test("a dot that lands at the start of a soft-broken line is encoded too")
    func dotAfterSoftBreak() {
        let encoded = QuotedPrintable.encode(String(repeating: "x", count: 75) + ".tail")
        #expect(encoded == String(repeating: "x", count: 75) + "=\r\n=2Etail")
    }

    @Test("long lines are soft-broken to at most 76 characters and decode back", arguments: [
        String(repeating: "The quick brown fox = jumps over the lazy dog. ", count: 10),
        String(repeating: "Überwachung meldet Störung 📞☎️ ", count: 12),
        String(repeating: "=", count: 200),
        String(repeating: " ", count: 100),
        String(repeating: "👨‍👩‍👧‍👦", count: 20) + " end ",
        "<table style=\"width:100%;\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td>Test</td></tr></table>",
    ])
    func softBreaksRoundTrip(text: String) {
        let encoded = QuotedPrintable.encode(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= QuotedPrintable.maximumLineLength, "\(line)")
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "trailing whitespace: \(line)")
            #expect(line.utf8.allSatisfy { $0 < 0x80 })
        }
        #expect(Support.decodeQuotedPrintable(encoded) == text)
    }

    @Test("a soft break never splits the escapes of one character")
    func softBreakKeepsCharactersTogether() {
        let encoded = QuotedPrintable.encode(String(repeating: "€", count: 40))
        for line in encoded.components(separatedBy: "\r\n") {
            let content = line.hasSuffix("=") ? String(line.dropLast()) : line
            // Each € is "=E2=82=AC": every line holds whole characters.
            #expect(content.utf8.count % 9 == 0, "\(line)")
        }
    }

    @Test("encoded output never contains =_ so a boundary starting with =_ cannot occur")
    func noEqualsUnderscore() {
        let encoded = QuotedPrintable.encode("=_ boundary-like =_Klaxon_ text\n--=_x")
        #expect(!encoded.contains("=_"))
    }
}

@Suite("RFC 2047 encoded-words")
struct EmailEncodedWordTests {
    typealias Support = EmailTestSupport

    @Test("only text outside printable ASCII, or containing =?, needs encoding")
    func needsEncoding() {
        #expect(!EncodedWord.needsEncoding("Trunk sip-1 down (50%)"))
        #expect(EncodedWord.needsEncoding("Störung"))
        #expect(EncodedWord.needsEncoding("tab\there"))
        #expect(EncodedWord.needsEncoding("a =?b"))
    }

    @Test("a single word is produced for short text")
    func shortText() {
        #expect(EncodedWord.encode("é") == ["=?UTF-8?B?w6k=?="])
        #expect(EncodedWord.encode("") == [])
    }

    @Test("words respect the first-word room and the 75-character limit")
    func firstWordRoom() throws {
        let words = EncodedWord.encode(String(repeating: "ж", count: 100), firstWordMaximumLength: 40)
        let first = try #require(words.first)
        #expect(first.utf8.count <= 40)
        for word in words.dropFirst() {
            #expect(word.utf8.count <= 75)
        }
        #expect(Support.decodeEncodedWords(words.joined(separator: " ")) == String(repeating: "ж", count: 100))
    }

    @Test("when not even one character fits the first-word room, the first word gets the full length")
    func tinyFirstWordRoom() throws {
        let words = EncodedWord.encode("🚨🚨", firstWordMaximumLength: 5)
        #expect(words == ["=?UTF-8?B?8J+aqPCfmqg=?="])
    }

    @Test("emoji sequences stay in one word")
    func graphemeClustersStayTogether() throws {
        let family = "👨‍👩‍👧‍👦"  // 25 bytes, one grapheme
        let text = String(repeating: "x" + family, count: 10)
        for word in EncodedWord.encode(text) {
            let bytes = try #require(Support.decodeWordBytes(word))
            let piece = try #require(Support.utf8String(bytes))
            #expect(piece.unicodeScalars.filter { $0 == "\u{200D}" }.count % 3 == 0, "split family in \(word)")
            #expect(word.utf8.count <= 75)
        }
    }

    @Test("a grapheme too big for one word is split between scalars, never inside one")
    func oversizedGrapheme() throws {
        let zalgo = "Z" + String(repeating: "\u{0301}\u{0316}", count: 40)  // one cluster, 161 bytes
        #expect(zalgo.count == 1)
        let words = EncodedWord.encode(zalgo)
        #expect(words.count > 1)
        for word in words {
            #expect(word.utf8.count <= 75)
            let bytes = try #require(Support.decodeWordBytes(word))
            #expect(Support.utf8String(bytes) != nil)
        }
        #expect(Support.decodeEncodedWords(words.joined(separator: " ")) == zalgo)
    }
}

@Suite("Header safety")
struct EmailHeaderSafetyTests {
    @Test("line breaks become one space, other controls disappear", arguments: [
        ("a\r\nb", "a b"),
        ("a\n\n\nb", "a b"),
        ("a \r\nb", "a b"),
        ("a\r\n b", "a b"),
        ("\r\nabc\r\n", "abc"),
        ("a\u{0}b\u{1B}c\u{7F}d\u{9B}e", "abcde"),
        ("a\u{2028}b\u{2029}c\u{85}d\u{0B}e\u{0C}f", "a b c d e f"),
        ("tab\there", "tab here"),
        ("Ünïcödé 🚨 stays", "Ünïcödé 🚨 stays"),
    ])
    func strippingLineBreaks(input: String, expected: String) {
        #expect(HeaderSafety.strippingLineBreaks(input) == expected)
        #expect(!HeaderSafety.containsUnsafeCharacters(HeaderSafety.strippingLineBreaks(input)))
    }

    @Test("unsafe characters are detected")
    func detection() {
        #expect(HeaderSafety.containsUnsafeCharacters("a\rb"))
        #expect(HeaderSafety.containsUnsafeCharacters("a\u{2028}b"))
        #expect(!HeaderSafety.containsUnsafeCharacters("plain text"))
    }
}

@Suite("Mail addresses")
struct EmailMailAddressTests {
    @Test("valid addr-specs are accepted", arguments: [
        "jane@example.com",
        "first.last+alerts@sub.example.co.uk",
        "o'brien@example.ie",
        "a@b.io",
        "noc-24x7@voip-provider.example",
        String(repeating: "l", count: 64) + "@example.com",
    ])
    func validAddresses(address: String) {
        #expect(MailAddress.isValidAddress(address))
    }

    @Test("malformed or unsafe addr-specs are rejected", arguments: [
        "", "jane", "jane@", "@example.com", "jane@localhost", "jane doe@example.com",
        "jane@exa mple.com", "<jane@example.com>", "jane@@example.com", "jane@ex@ample.com",
        ".jane@example.com", "jane.@example.com", "ja..ne@example.com", "jane@-example.com",
        "jane@example-.com", "jane@example..com", "jane@example.com.", "jane@.example.com",
        "x@y.com\r\nBcc: evil@z.com", "jané@example.com", "jane@exämple.com", "\"jane\"@example.com",
        "jane@[192.0.2.1]", String(repeating: "l", count: 65) + "@example.com",
        "jane@" + String(repeating: "d", count: 64) + ".com", " jane@example.com",
    ])
    func invalidAddresses(address: String) {
        #expect(!MailAddress.isValidAddress(address))
        #expect(MailAddress(address: address) == nil)
    }

    @Test("the usual mailbox notations parse", arguments: [
        ("jane@example.com", "jane@example.com", nil),
        ("  jane@example.com  ", "jane@example.com", nil),
        ("<jane@example.com>", "jane@example.com", nil),
        ("Jane Doe <jane@example.com>", "jane@example.com", "Jane Doe"),
        ("\"Doe, Jane\" <jane@example.com>", "jane@example.com", "Doe, Jane"),
        (#""Jane \"JD\" Doe" <jane@example.com>"#, "jane@example.com", #"Jane "JD" Doe"#),
        ("\"a<b\" <jane@example.com>", "jane@example.com", "a<b"),
        ("Иван Петров <ivan@example.com>", "ivan@example.com", "Иван Петров"),
        ("\"\" <jane@example.com>", "jane@example.com", nil),
    ] as [(String, String, String?)])
    func parsing(input: String, address: String, displayName: String?) throws {
        let parsed = try #require(MailAddress.parse(input))
        #expect(parsed.address == address)
        #expect(parsed.displayName == displayName)
    }

    @Test("malformed mailboxes do not parse", arguments: [
        "Jane <jane@example.com", "Jane jane@example.com>", "\"Jane <jane@example.com>",
        "\"Jane\" Doe <jane@example.com>", "Jane <not an address>", "Jane <>",
    ])
    func parseFailures(input: String) {
        #expect(MailAddress.parse(input) == nil)
    }

    @Test("a rendered mailbox parses back to the same value", arguments: [
        "Jane Doe <jane@example.com>",
        "\"Doe, Jane\" <jane@example.com>",
        #""Jane \"JD\" D\\oe" <jane@example.com>"#,
        "jane@example.com",
    ])
    func renderParseRoundTrip(input: String) throws {
        let parsed = try #require(MailAddress.parse(input))
        #expect(MailAddress.parse(parsed.description) == parsed)
    }
}
