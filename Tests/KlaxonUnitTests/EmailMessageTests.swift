import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite("EmailMessage rendering")
struct EmailMessageTests {
    typealias Support = EmailTestSupport

    private func plainAlert(
        subject: String = "Trunk sip-1 down",
        text: String = "Trunk sip-1 is unreachable.\nCalls are failing over to sip-2.\n",
        html: String? = nil,
        to: [String] = ["noc@example.com", "Jane Doe <jane@example.com>"],
        extraHeaders: [(name: String, value: String)] = [("X-Klaxon-Test", "yes")]
    ) throws -> EmailMessage {
        EmailMessage(
            from: try Support.address("Klaxon Alerts <alerts@klaxon.example>"),
            to: try to.map(Support.address),
            subject: subject,
            text: text,
            html: html,
            date: Support.alertDate,
            messageID: "a1b2c3@klaxon.example",
            extraHeaders: extraHeaders)
    }

    // MARK: Golden output

    @Test("a plain-text alert renders to exactly the expected bytes")
    func plainMessageGoldenOutput() throws {
        let expected = [
            "Date: Fri, 27 Nov 2026 03:00:00 +0000",
            "From: Klaxon Alerts <alerts@klaxon.example>",
            "To: noc@example.com, Jane Doe <jane@example.com>",
            "Subject: Trunk sip-1 down",
            "Message-ID: <a1b2c3@klaxon.example>",
            "MIME-Version: 1.0",
            "X-Klaxon-Test: yes",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Trunk sip-1 is unreachable.",
            "Calls are failing over to sip-2.",
            "",
        ].joined(separator: "\r\n")
        #expect(try plainAlert().rendered() == expected)
    }

    @Test("a body without a final newline still ends the message with CRLF")
    func bodyWithoutFinalNewlineIsTerminated() throws {
        let message = try plainAlert(text: "one line").rendered()
        #expect(message.hasSuffix("\r\n\r\none line\r\n"))
    }

    @Test("rendering the same inputs twice gives byte-identical output")
    func renderingIsDeterministic() throws {
        let first = try plainAlert(html: "<p>Trunk <b>sip-1</b> down</p>")
        let second = try plainAlert(html: "<p>Trunk <b>sip-1</b> down</p>")
        #expect(first.rendered() == second.rendered())
        #expect(first.renderedData() == Data(second.rendered().utf8))
    }

    @Test("renderedData is the ASCII bytes of rendered()")
    func renderedDataIsASCII() throws {
        let message = try plainAlert(subject: "Ошибка 🚨", text: "Trunk ↯ down", html: "<p>é</p>")
        let data = message.renderedData()
        #expect(data.allSatisfy { $0 < 0x80 })
        #expect(String(decoding: data, as: UTF8.self) == message.rendered())
    }

    // MARK: Date

    @Test("Date header is RFC 5322 format in UTC")
    func dateHeaderFormat() throws {
        let message = try plainAlert().rendered()
        #expect(message.hasPrefix("Date: Fri, 27 Nov 2026 03:00:00 +0000\r\n"))
    }

    @Test("Date formatting matches a POSIX-locale UTC DateFormatter", arguments: [
        0.0,                // Thu, 01 Jan 1970
        -1.0,               // before the epoch
        951_782_400.0,      // Tue, 29 Feb 2000 (leap day of a 400-year)
        1_709_164_799.5,    // fractional second on leap day 2024
        1_795_748_400.0,
        4_102_444_800.0,    // Fri, 01 Jan 2100 (not a leap year)
        -2_208_988_800.0,   // Mon, 01 Jan 1900
    ])
    func dateMatchesFoundation(seconds: Double) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let date = Date(timeIntervalSince1970: seconds)
        #expect(RFC5322Date.format(date) == formatter.string(from: date))
    }

    @Test("out-of-range dates are clamped instead of trapping")
    func extremeDatesDoNotTrap() {
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: .nan)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: 1e300)) == "Fri, 31 Dec 9999 23:59:59 +0000")
        #expect(RFC5322Date.format(.distantPast).hasSuffix("0001 00:00:00 +0000"))
    }

    // MARK: Subject encoding

    /// Cyrillic, emoji with skin tone / ZWJ families / flags, CJK, Arabic.
    static let mixedSubject = "Авария: транк sip-1 недоступен 🚨🔥 👩🏽‍💻 👨‍👩‍👧‍👦 🇺🇦🇯🇵 "
        + "服务中断，呼叫失败率上升 東京リージョンで障害が発生しました "
        + "خطأ في الاتصال — повторная попытка через 5 минут ⏱️ "
        + "Ça coûte trop cher: ±5% ≠ ∞ «ёлки» 🧑🏿‍🚀🏳️‍🌈 "
        + "서울 데이터센터 정전으로 통화 품질 저하 — Δοκιμή σφάλματος στο δίκτυο φωνής"

    @Test("a long mixed-script subject becomes encoded-words of at most 75 characters that decode to the original")
    func longMixedScriptSubject() throws {
        #expect(Self.mixedSubject.count >= 200)
        let message = try plainAlert(subject: Self.mixedSubject).rendered()
        let header = try #require(Support.split(message)?.header)
        let rawLines = Support.rawField("Subject", in: header)
        #expect(rawLines.count > 1, "a long subject is folded over several lines")
        #expect(rawLines.first?.hasPrefix("Subject: =?UTF-8?B?") == true, "the first word shares the line with the name")
        for line in rawLines {
            #expect(line.utf8.count <= 76, "RFC 2047 §2 line limit: \(line)")
        }

        let value = try #require(Support.value(of: "Subject", in: message))
        let words = Support.encodedWords(in: value)
        #expect(words.count > 1)
        #expect(words.joined(separator: " ") == value, "nothing but encoded-words in the field")
        var graphemeCount = 0
        for word in words {
            #expect(word.utf8.count <= EncodedWord.maximumLength, "\(word)")
            let bytes = try #require(Support.decodeWordBytes(word))
            // A word that split a UTF-8 sequence would not decode on its own.
            let piece = try #require(Support.utf8String(bytes), "word splits a UTF-8 sequence: \(word)")
            graphemeCount += piece.count
        }
        #expect(Support.decodeEncodedWords(value) == Self.mixedSubject)
        // A word boundary inside a grapheme cluster would count it twice.
        #expect(graphemeCount == Self.mixedSubject.count)
    }

    @Test("a short non-ASCII subject is one encoded-word on the Subject line")
    func shortNonASCIISubject() throws {
        let message = try plainAlert(subject: "Störung auf Trunk sip-1").rendered()
        let header = try #require(Support.split(message)?.header)
        #expect(Support.rawField("Subject", in: header) == ["Subject: =?UTF-8?B?U3TDtnJ1bmcgYXVmIFRydW5rIHNpcC0x?="])
    }

    @Test("an empty or blank subject renders as an empty Subject field")
    func emptySubject() throws {
        for subject in ["", "   ", "\r\n"] {
            let header = try #require(Support.split(try plainAlert(subject: subject).rendered())?.header)
            #expect(Support.rawField("Subject", in: header) == ["Subject:"])
        }
    }

    @Test("an ASCII subject that looks like an encoded-word is encoded so it reads back literally")
    func subjectContainingEncodedWordSyntaxIsEncoded() throws {
        let subject = "literal =?UTF-8?B?SGk=?= text"
        let message = try plainAlert(subject: subject).rendered()
        let value = try #require(Support.value(of: "Subject", in: message))
        #expect(Support.decodeEncodedWords(value) == subject)
    }

    @Test("a long ASCII subject is folded at spaces into lines of at most 78 characters")
    func longASCIISubjectIsFolded() throws {
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ") + "  double  spaced end"
        let message = try plainAlert(subject: subject).rendered()
        let header = try #require(Support.split(message)?.header)
        let rawLines = Support.rawField("Subject", in: header)
        #expect(rawLines.count > 1)
        for line in rawLines {
            #expect(line.utf8.count <= 78)
            #expect(!line.hasSuffix(" "), "no trailing whitespace where a fold was made")
        }
        #expect(Support.value(of: "Subject", in: message) == subject)
    }

    @Test("an unbreakable ASCII subject longer than 998 characters is encoded rather than sent as one line")
    func unbreakableSubjectStaysUnder998() throws {
        let subject = String(repeating: "x", count: 1_500)
        let message = try plainAlert(subject: subject).rendered()
        for line in Support.lines(message) {
            #expect(line.utf8.count <= 998)
        }
        let value = try #require(Support.value(of: "Subject", in: message))
        #expect(Support.decodeEncodedWords(value) == subject)
    }

    // MARK: Display names

    @Test("a non-ASCII display name is RFC 2047 encoded before the address")
    func nonASCIIDisplayName() throws {
        let from = try Support.address("Иван Петров <ivan@example.com>")
        var message = try plainAlert()
        message.from = from
        let value = try #require(Support.value(of: "From", in: message.rendered()))
        #expect(value == "=?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.com>")
        #expect(from.description == value)
        let phrase = try #require(value.components(separatedBy: " <").first)
        #expect(Support.decodeEncodedWords(phrase) == "Иван Петров")
    }

    @Test("a long non-ASCII display name folds into words of at most 75 characters and lines of at most 76")
    func longNonASCIIDisplayName() throws {
        let name = String(repeating: "Служба мониторинга 🚨 ", count: 6) + "NOC"
        let from = try #require(MailAddress(address: "noc@example.com", displayName: name))
        var message = try plainAlert()
        message.from = from
        let rendered = message.rendered()
        let header = try #require(Support.split(rendered)?.header)
        let rawLines = Support.rawField("From", in: header)
        #expect(rawLines.first?.hasPrefix("From: =?UTF-8?B?") == true, "the first word shares the line with the name")
        for line in rawLines {
            #expect(line.utf8.count <= 76)
        }
        let value = try #require(Support.value(of: "From", in: rendered))
        #expect(value.hasSuffix(" <noc@example.com>"))
        let phrase = String(value.dropLast(" <noc@example.com>".count))
        for word in Support.encodedWords(in: phrase) {
            #expect(word.utf8.count <= 75)
        }
        #expect(Support.decodeEncodedWords(phrase) == name.trimmingCharacters(in: .whitespaces))
    }

    @Test("an ASCII display name with specials is a quoted-string with escapes")
    func asciiDisplayNameQuoting() throws {
        let plain = try #require(MailAddress(address: "jane@example.com", displayName: "Jane Doe"))
        #expect(plain.description == "Jane Doe <jane@example.com>")
        let comma = try #require(MailAddress(address: "jane@example.com", displayName: "Doe, Jane (NOC)"))
        #expect(comma.description == "\"Doe, Jane (NOC)\" <jane@example.com>")
        let quotes = try #require(MailAddress(address: "jane@example.com", displayName: #"Jane "JD" D\oe"#))
        #expect(quotes.description == #""Jane \"JD\" D\\oe" <jane@example.com>"#)
        let dot = try #require(MailAddress(address: "jane@example.com", displayName: "J. Doe"))
        #expect(dot.description == "\"J. Doe\" <jane@example.com>")
        let bare = try #require(MailAddress(address: "jane@example.com"))
        #expect(bare.description == "jane@example.com")
    }

    @Test("several recipients are comma separated and fold after the commas")
    func recipientListFolding() throws {
        let recipients = (1...8).map { "Operator Number \($0) <operator\($0)@voip-provider.example>" }
        let message = try plainAlert(to: recipients).rendered()
        let header = try #require(Support.split(message)?.header)
        let rawLines = Support.rawField("To", in: header)
        #expect(rawLines.count > 1)
        for line in rawLines {
            #expect(line.utf8.count <= 78)
            #expect(!line.hasPrefix(" ,"))
        }
        #expect(Support.value(of: "To", in: message) == recipients.joined(separator: ", "))
    }

    @Test("no To header is written when there are no header recipients")
    func emptyRecipientListOmitsTo() throws {
        let message = try plainAlert(to: []).rendered()
        #expect(Support.value(of: "To", in: message) == nil)
    }

    // MARK: Header injection

    /// Field names that may legitimately start a header line of our messages.
    private static let expectedFieldNames: Set<String> = [
        "date", "from", "to", "subject", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "x-klaxon-test", "x-klaxon-envelope-to",
    ]

    private func expectNoInjectedFields(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let header = try #require(Support.split(message)?.header, sourceLocation: sourceLocation)
        for line in Support.lines(header) where !line.hasPrefix(" ") {
            let name = String(line.prefix { $0 != ":" }).lowercased()
            #expect(Self.expectedFieldNames.contains(name), "unexpected header line: \(line)", sourceLocation: sourceLocation)
        }
        #expect(!message.lowercased().contains("\r\nbcc:"), sourceLocation: sourceLocation)
        #expect(Support.hasOnlyCRLFLineEnds(message), sourceLocation: sourceLocation)
    }

    @Test("CR/LF in the subject cannot start a new header", arguments: [
        "Hello\r\nBcc: evil@z.com",
        "Hello\nBcc: evil@z.com",
        "Hello\rBcc: evil@z.com",
        "Hello\u{2028}Bcc: evil@z.com",
        "Hello\r\n\r\nbody injected",
        "Hellö\r\nBcc: evil@z.com",
    ])
    func subjectInjection(subject: String) throws {
        let message = try plainAlert(subject: subject).rendered()
        try expectNoInjectedFields(message)
        let value = try #require(Support.value(of: "Subject", in: message))
        let decoded = Support.decodeEncodedWords(value) ?? value
        #expect(!decoded.contains("\r") && !decoded.contains("\n"))
        #expect(decoded.hasPrefix("Hell"))
    }

    @Test("CR/LF in a display name cannot start a new header")
    func displayNameInjection() throws {
        let from = try #require(MailAddress(address: "alerts@klaxon.example", displayName: "Klaxon\r\nBcc: evil@z.com"))
        #expect(from.displayName == "Klaxon Bcc: evil@z.com")
        var message = try plainAlert()
        message.from = from
        try expectNoInjectedFields(message.rendered())
        #expect(MailAddress.parse("Klaxon\r\nBcc: evil@z.com <alerts@klaxon.example>") == nil)
    }

    @Test("an address carrying CR/LF is rejected", arguments: [
        "x@y.com\r\nBcc: evil@z.com",
        "x@y.com\nBcc: evil@z.com",
        "Name <x@y.com>\r\nBcc: evil@z.com",
        "<x@y.com\r\n>",
        "x@y.com\u{0}",
    ])
    func addressInjectionIsRejected(input: String) {
        #expect(MailAddress.parse(input) == nil)
        #expect(MailAddress(address: input) == nil)
        #expect(!MailAddress.isValidAddress(input))
    }

    @Test("CR/LF in the Message-ID and in extra headers cannot start a new header")
    func messageIDAndExtraHeaderInjection() throws {
        var message = try plainAlert(extraHeaders: [
            ("X-Klaxon-Envelope-To", "noc@example.com\r\nBcc: evil@z.com"),
            ("X-Klaxon-Test\r\nBcc: evil@z.com", "1"),
        ])
        message.messageID = "a1b2c3@klaxon.example>\r\nBcc: evil@z.com"
        let rendered = message.rendered()
        try expectNoInjectedFields(rendered)
        #expect(Support.value(of: "Message-ID", in: rendered) == "<a1b2c3@klaxon.exampleBcc:evil@z.com>")
        #expect(Support.value(of: "X-Klaxon-Envelope-To", in: rendered) == "noc@example.com Bcc: evil@z.com")
    }

    @Test("extra headers cannot replace the fields the composer writes")
    func reservedExtraHeadersAreSkipped() throws {
        let message = try plainAlert(extraHeaders: [
            ("Subject", "second subject"),
            ("content-type", "text/html"),
            ("MIME-Version", "2.0"),
            ("X-Klaxon-Test", "kept"),
        ]).rendered()
        let header = try #require(Support.split(message)?.header)
        let names = Support.fields(header).map { $0.name.lowercased() }
        #expect(names.filter { $0 == "subject" }.count == 1)
        #expect(names.filter { $0 == "content-type" }.count == 1)
        #expect(names.filter { $0 == "mime-version" }.count == 1)
        #expect(Support.value(of: "Content-Type", in: message) == "text/plain; charset=UTF-8")
        #expect(Support.value(of: "X-Klaxon-Test", in: message) == "kept")
    }

    @Test("a non-ASCII extra header value is RFC 2047 encoded")
    func nonASCIIExtraHeader() throws {
        let message = try plainAlert(extraHeaders: [("X-Klaxon-Site", "Zürich Ost")]).rendered()
        let value = try #require(Support.value(of: "X-Klaxon-Site", in: message))
        #expect(Support.decodeEncodedWords(value) == "Zürich Ost")
    }

    // MARK: Line structure

    @Test("every line ends in CRLF, whatever line ends the bodies use")
    func onlyCRLFLineEnds() throws {
        let message = try plainAlert(
            text: "unix\nmac\rwindows\r\nmixed\n\rend",
            html: "<p>a</p>\n<p>b</p>\r<p>c</p>").rendered()
        #expect(Support.hasOnlyCRLFLineEnds(message))
        #expect(message.hasSuffix("\r\n"))
    }

    @Test("no header line exceeds 78 characters (76 with encoded-words) in a busy message")
    func headerLineLengths() throws {
        let recipients = [
            "Дежурный инженер <oncall@example.com>",
            "\"Doe, Jane (Network Operations Centre, Frankfurt am Main)\" <jane@example.com>",
            "ops-team-with-a-rather-long-mailbox-name@subdomain.voip-provider.example",
        ]
        let message = try plainAlert(
            subject: Self.mixedSubject,
            to: recipients,
            extraHeaders: [("X-Klaxon-Envelope-To", recipients.joined(separator: ", "))]
        ).rendered()
        let header = try #require(Support.split(message)?.header)
        for line in Support.lines(header) {
            let hasEncodedWord = line.contains("=?UTF-8?B?")
            #expect(line.utf8.count <= (hasEncodedWord ? 76 : 78), "\(line)")
            #expect(line.trimmingCharacters(in: .whitespaces).isEmpty == false, "whitespace-only line")
        }
    }

    // MARK: Bodies

    @Test("the text body is quoted-printable and decodes back to the text")
    func textBodyRoundTrips() throws {
        let text = "Trunk sip-1 = down.\n.leading dot\nFrom the monitor\ntrailing space \n"
            + String(repeating: "Lange Zeile mit Umlauten äöü und Emoji 📞 ", count: 5) + "\n"
        let message = try plainAlert(text: text).rendered()
        let body = try #require(Support.split(message)?.body)
        for line in Support.lines(body) {
            #expect(line.utf8.count <= 76)
            #expect(!line.hasPrefix("."), "SMTP dot-stuffing would touch: \(line)")
            #expect(!line.hasPrefix("From "), "mbox would mangle: \(line)")
        }
        #expect(Support.decodeQuotedPrintable(body) == Support.crlfNormalised(text))
    }

    @Test("with HTML the message is multipart/alternative: text first, HTML second, boundary absent from both")
    func multipartStructure() throws {
        let text = "Trunk sip-1 down.\n--=_Klaxon_ fake boundary line\n"
        let html = "<html><body><p style=\"color:red\">Trunk <b>sip-1</b> down — 🚨</p></body></html>"
        let message = try plainAlert(text: text, html: html).rendered()
        let (_, body) = try #require(Support.split(message))

        let contentType = try #require(Support.value(of: "Content-Type", in: message))
        #expect(contentType.hasPrefix("multipart/alternative; boundary=\""))
        let boundary = String(contentType.split(separator: "\"")[1])
        #expect(boundary.hasPrefix("=_"))
        #expect(boundary.utf8.count <= 70)
        #expect(Support.value(of: "Content-Transfer-Encoding", in: message) == nil)

        let parts = try #require(Support.multipartParts(body: body, boundary: boundary))
        #expect(parts.count == 2)
        #expect(Support.fields(parts[0].header).map { $0.value } == ["text/plain; charset=UTF-8", "quoted-printable"])
        #expect(Support.fields(parts[1].header).map { $0.value } == ["text/html; charset=UTF-8", "quoted-printable"])
        for part in parts {
            #expect(!part.content.contains(boundary))
        }
        #expect(Support.decodeQuotedPrintable(parts[0].content) == Support.crlfNormalised(text))
        #expect(Support.decodeQuotedPrintable(parts[1].content) == html)
        #expect(body.hasSuffix("\r\n--" + boundary + "--\r\n"))
    }

    @Test("the boundary depends only on the Message-ID")
    func boundaryIsDerivedFromMessageID() throws {
        let first = try plainAlert(html: "<p>x</p>")
        var second = try plainAlert(text: "different", html: "<p>y</p>")
        let boundaryOf = { (message: EmailMessage) in Support.value(of: "Content-Type", in: message.rendered()) }
        #expect(boundaryOf(first) == boundaryOf(second))
        second.messageID = "other@klaxon.example"
        #expect(boundaryOf(first) != boundaryOf(second))
    }

    @Test("the boundary counter moves on when a candidate occurs in a part")
    func boundaryAvoidsCollisions() {
        let id = "a1b2c3@klaxon.example"
        let first = EmailMessage.boundary(for: id, avoiding: [])
        #expect(first.hasSuffix("_0"))
        let second = EmailMessage.boundary(for: id, avoiding: ["x\r\n--" + first + "\r\n"])
        #expect(second != first)
        #expect(second.hasSuffix("_1"))
    }
}
