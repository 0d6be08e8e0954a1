import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// SMTPTransport against a real aiosmtpd server on loopback (Tests/Support/smtp_server.py).
@Suite("SMTP transport", .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct TransportSMTPTests {
    static let password = "s3cret-Pa55word"

    /// Headers and a body with lines that SMTP must dot-stuff: ".x", "..", and "." alone.
    static let message: [UInt8] = Array((
        "From: Klaxon <alerts@klaxon.test>\r\n" +
        "To: noc@example.test\r\n" +
        "Subject: [CRITICAL] trunk sip-1 down\r\n" +
        "Message-ID: <1@klaxon.test>\r\n" +
        "\r\n" +
        "Trunk sip-1 lost registration.\r\n" +
        ".leading dot line\r\n" +
        "..two dots\r\n" +
        ".\r\n" +
        "last line\r\n"
    ).utf8)

    func transport(_ url: String, _ configure: (inout SMTPTransport.Settings) -> Void = { _ in }) -> SMTPTransport {
        var settings = SMTPTransport.Settings(url: url, starttls: .off, connectTimeout: .seconds(5), totalTimeout: .seconds(15))
        configure(&settings)
        return SMTPTransport(settings)
    }

    @Test func plainDeliveryArrivesByteForByte() throws {
        let server = try LocalSMTPServer()
        defer { server.stop() }

        try transport(server.plainURL).send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])

        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].mailFrom == "alerts@klaxon.test")
        #expect(received[0].rcptTos == ["noc@example.test"])
        #expect(received[0].data == Self.message)
        #expect(received[0].tls == false)
    }

    @Test func severalRecipientsShareOneTransaction() throws {
        let server = try LocalSMTPServer()
        defer { server.stop() }
        let recipients = ["noc@example.test", "oncall@example.test", "boss@example.test"]

        try transport(server.plainURL).send(Self.message, from: "alerts@klaxon.test", to: recipients)

        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].rcptTos == recipients)
        #expect(received[0].data == Self.message)
    }

    @Test func authenticatedDelivery() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", Self.password)))
        defer { server.stop() }

        try transport(server.plainURL) {
            $0.username = "klaxon"
            $0.password = Self.password
        }.send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])

        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].authenticated)
        #expect(received[0].login == "klaxon")
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", Self.password)))
        defer { server.stop() }
        let wrong = "wr0ng-Pa55word"

        let error = try #require(throws: DeliveryError.self) {
            try transport(server.plainURL) {
                $0.username = "klaxon"
                $0.password = wrong
            }.send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }

        #expect(error.kind == .authenticationFailed)
        #expect(error.responseCode == 535)
        #expect(error.description.contains("username and password"))
        #expect(error.description.contains("klaxon"))
        Self.expectNoSecret(wrong, user: "klaxon", in: error)
        #expect(try server.received().isEmpty)
    }

    @Test func noAuthenticationWhenServerRequiresItIsRejected() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", Self.password)))
        defer { server.stop() }

        let error = try #require(throws: DeliveryError.self) {
            try transport(server.plainURL).send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }

        #expect(error.kind == .rejected)
        #expect(error.responseCode == 530)
        #expect(error.description.contains("530"))
    }

    @Test func rejectedRecipientNamesTheReplyAndHidesThePassword() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", Self.password), rejectedRecipients: ["gone@example.test"]))
        defer { server.stop() }

        let error = try #require(throws: DeliveryError.self) {
            try transport(server.plainURL) {
                $0.username = "klaxon"
                $0.password = Self.password
            }.send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test", "gone@example.test"])
        }

        #expect(error.kind == .rejected)
        #expect(error.responseCode == 550)
        #expect(error.description.contains("User unknown"))
        Self.expectNoSecret(Self.password, user: "klaxon", in: error)
        #expect(try server.received().isEmpty, "one bad recipient must fail the whole transaction")
    }

    @Test func startTLSWithTheCAFile() throws {
        let server = try LocalSMTPServer(.init(tls: .starttls))
        defer { server.stop() }
        let certificate = try TestCertificate.shared()

        try transport(server.plainURL) {
            $0.starttls = .required
            $0.caFile = certificate.certificatePath
        }.send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])

        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].tls)
        #expect(received[0].data == Self.message)
    }

    @Test func startTLSWithAnUntrustedCertificateFails() throws {
        let server = try LocalSMTPServer(.init(tls: .starttls))
        defer { server.stop() }

        let error = try #require(throws: DeliveryError.self) {
            try transport(server.plainURL) { $0.starttls = .required }
                .send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }

        #expect(error.kind == .tlsFailed)
        #expect(error.description.contains("certificate"))
        #expect(try server.received().isEmpty)
    }

    @Test func startTLSRequiredButNotOfferedIsRefused() throws {
        let server = try LocalSMTPServer()
        defer { server.stop() }

        let error = try #require(throws: DeliveryError.self) {
            try SMTPTransport(.init(url: server.plainURL, connectTimeout: .seconds(5), totalTimeout: .seconds(15)))
                .send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }

        #expect(error.kind == .tlsUnavailable)
        #expect(error.description.contains("STARTTLS is required"))
        #expect(try server.received().isEmpty, "nothing may be sent in clear text")
    }

    @Test func implicitTLS() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", Self.password), tls: .implicit))
        defer { server.stop() }
        let certificate = try TestCertificate.shared()

        try transport(server.implicitTLSURL) {
            $0.starttls = .required
            $0.caFile = certificate.certificatePath
            $0.username = "klaxon"
            $0.password = Self.password
        }.send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])

        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].tls)
        #expect(received[0].authenticated)
        #expect(received[0].data == Self.message)
    }

    @Test func connectionRefusedFailsQuickly() throws {
        let port = try unusedLoopbackPort()
        let started = ContinuousClock.now

        let error = try #require(throws: DeliveryError.self) {
            try transport("smtp://127.0.0.1:\(port)").send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }

        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(error.kind == .connectionFailed)
        #expect(error.description.contains("could not connect"))
        #expect(error.description.contains("127.0.0.1:\(port)"))
    }

    @Test func silentServerHitsTheTotalTimeout() throws {
        let server = try LocalSMTPServer(.init(silent: true))
        defer { server.stop() }
        let started = ContinuousClock.now

        let error = try #require(throws: DeliveryError.self) {
            try transport(server.plainURL) {
                // libcurl counts the SMTP greeting as part of connecting, so a
                // long connect timeout lets the total timeout be the one that fires.
                $0.connectTimeout = .seconds(10)
                $0.totalTimeout = .milliseconds(1500)
            }.send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }

        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(1400))
        #expect(elapsed < .seconds(6))
        #expect(error.kind == .timedOut)
        #expect(error.description.contains("did not answer in time"))
    }

    @Test(arguments: [
        ("alerts@klaxon.test\r\nRCPT TO:<evil@example.test>", "noc@example.test"),
        ("alerts@klaxon.test", "noc@example.test\nDATA"),
        ("alerts@klaxon.test", "noc@example.test> NOTIFY=NEVER"),
        ("alerts@klaxon.test", "noc@example.test ORCPT=x"),
        ("", "noc@example.test"),
    ])
    func injectionInEnvelopeAddressesIsRefused(from: String, to: String) throws {
        let server = try LocalSMTPServer()
        defer { server.stop() }

        let error = try #require(throws: DeliveryError.self) {
            try transport(server.plainURL).send(Self.message, from: from, to: [to])
        }

        #expect(error.kind == .invalidRequest)
        #expect(!error.description.contains("\r"))
        #expect(!error.description.contains("\n"))
        #expect(try server.received().isEmpty)
    }

    @Test(arguments: ["Subject: x\n\nbare LF\n", "Subject: x\r\n\r\nsmuggle\n.\nMAIL FROM:<x@y>\r\n", "Subject: x\r\n\r\nbare CR\r"])
    func bareLineEndingsAreRefused(text: String) throws {
        let error = try #require(throws: DeliveryError.self) {
            try transport("smtp://127.0.0.1:1").send(Array(text.utf8), from: "alerts@klaxon.test", to: ["noc@example.test"])
        }
        #expect(error.kind == .invalidRequest)
        #expect(error.description.contains("CRLF"))
    }

    @Test func noRecipientsIsRefused() throws {
        let error = try #require(throws: DeliveryError.self) {
            try transport("smtp://127.0.0.1:1").send(Self.message, from: "alerts@klaxon.test", to: [])
        }
        #expect(error.kind == .invalidRequest)
    }

    @Test(arguments: ["http://127.0.0.1:25", "file:///etc/passwd", "smtp://user:pw@127.0.0.1:25", "not a url"])
    func unusableURLsAreRefused(url: String) throws {
        let error = try #require(throws: DeliveryError.self) {
            try transport(url).send(Self.message, from: "alerts@klaxon.test", to: ["noc@example.test"])
        }
        #expect(error.kind == .invalidRequest)
        #expect(!error.description.contains("pw@"))
    }

    @Test func settingsNeverPrintThePassword() {
        let settings = SMTPTransport.Settings(url: "smtps://mail.example.test:465", username: "klaxon", password: Self.password)
        #expect(!String(describing: settings).contains(Self.password))
        #expect(!String(reflecting: settings).contains(Self.password))
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!dumped.contains(Self.password))
    }

    static func expectNoSecret(_ password: String, user: String, in error: DeliveryError, sourceLocation: SourceLocation = #_sourceLocation) {
        let forms = [password, Printable.base64(password), Printable.base64("\0\(user)\0\(password)")]
        for form in forms {
            #expect(!error.description.contains(form), "error text leaks a credential: \(error)", sourceLocation: sourceLocation)
            #expect(!String(reflecting: error).contains(form), sourceLocation: sourceLocation)
        }
    }
}
