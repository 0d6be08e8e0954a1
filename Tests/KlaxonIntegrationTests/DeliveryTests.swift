import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Runs that send for real: e-mail to aiosmtpd and SMS and webhooks to an HTTP
/// server, all on loopback, and what arrived checked on the servers' side.
@Suite("Delivery through real servers", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct DeliveryTests {
    static let balances = "id,name,credit,currency,email,phone\nC1,Café Olé,5,EUR,a@c1.example;b@c1.example,+15550101\nC2,Fine Ltd,100,EUR,x@c2.example,\n"

    /// The job, with its drop folders made: the balance snapshot written unless the test made
    /// the balance folder itself (with its own snapshot, or none).
    func job(_ scratch: Scratch, email: String = "", sms: String = "", penalties: String = "", alert: String? = nil) throws -> Job {
        if !FileManager.default.fileExists(atPath: scratch.url("drop")) { scratch.write("drop/b.csv", Self.balances) }
        try FileManager.default.createDirectory(atPath: scratch.url("cdrs"), withIntermediateDirectories: true)
        return try scratch.job("""
        { name: "delivery", state: "state", brand: "ACME", inputs: { balances: { path: "drop" }, cdrs: { path: "cdrs" } },
          \(email) \(sms) \(penalties) delivery: { retry_backoff: "10m" },
          alerts: [ \(alert ?? "{ title: \"Low Balance\", scope: { type: \"customer\" }, to: [\"contacts\"], area: \"balance\", operator: \"<\", threshold: 10 }") ] }
        """)
    }

    func run(_ job: Job, _ now: String, secrets: [String: String] = [:]) throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at(now)), sink: TransportSink(job: job, secrets: Secrets(environment: secrets))).run()
    }

    @Test func aRunMailsEveryContactInOneAuthenticatedTransaction() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", "s3cret")))
        let scratch = Scratch()
        let job = try job(scratch, email: """
        email: { url: "\(server.plainURL)", starttls: "off", from: "ACME NOC <noc@acme.example>", username_env: "U", password_env: "P" },
        """)
        let report = try run(job, "2026-11-27T01:00:00Z", secrets: ["U": "klaxon", "P": "s3cret"])
        #expect(report.notifications.map(\.result) == [.sent])
        let received = try server.received()
        #expect(received.count == 1)
        let message = try #require(received.first)
        #expect(message.rcptTos == ["a@c1.example", "b@c1.example"])
        #expect(message.mailFrom == "noc@acme.example")
        #expect(message.authenticated)
        let text = String(decoding: message.data, as: UTF8.self)
        #expect(text.contains("From: ACME NOC <noc@acme.example>\r\n"))
        #expect(text.contains("To: a@c1.example, b@c1.example\r\n"))
        #expect(text.contains("Subject: =?UTF-8?B?"), "the company name is not ASCII")
        #expect(text.contains("Message-ID: <klaxon."))
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(!text.contains("s3cret"))
    }

    @Test func starttlsIsUsedAgainstAServerWithASelfSignedCertificate() throws {
        let server = try LocalSMTPServer(.init(tls: .starttls))
        let certificate = try TestCertificate.shared()
        let scratch = Scratch()
        let job = try job(scratch, email: """
        email: { url: "smtp://localhost:\(server.port)", from: "noc@acme.example", ca_file: "\(certificate.certificatePath)" },
        """)
        let report = try run(job, "2026-11-27T01:00:00Z")
        #expect(report.notifications.map(\.result) == [.sent], "\(report.notifications)")
        #expect(try server.received().first?.tls == true)
    }

    @Test func starttlsOffWithALoginStillUpgradesWhenTheServerOffersIt() throws {
        let server = try LocalSMTPServer(.init(auth: ("klaxon", "s3cret"), tls: .starttls))
        let certificate = try TestCertificate.shared()
        let scratch = Scratch()
        let job = try job(scratch, email: """
        email: { url: "smtp://localhost:\(server.port)", starttls: "off", from: "noc@acme.example", username_env: "U", password_env: "P",
                 ca_file: "\(certificate.certificatePath)" },
        """)
        let report = try run(job, "2026-11-27T01:00:00Z", secrets: ["U": "klaxon", "P": "s3cret"])
        #expect(report.notifications.map(\.result) == [.sent], "\(report.notifications)")
        let received = try #require(try server.received().first)
        #expect(received.tls, "the password went over the STARTTLS the server offered")
        #expect(received.authenticated)
    }

    @Test func twilioGetsAFormPostWithBasicAuthOnItsMessagesEndpoint() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = try job(scratch, sms: """
        sms: { provider: "twilio", account_env: "SID", token_env: "TOK", from: "+15550100", base_url: "\(server.url(""))" },
        """, alert: "{ title: \"Low Balance\", company: \"C1\", to: [\"+15550199\"], area: \"balance\", operator: \"<\", threshold: 10 }")
        let report = try run(job, "2026-11-27T01:00:00Z", secrets: ["SID": "AC123", "TOK": "tok&en"])
        #expect(report.notifications.map(\.result) == [.sent], "\(report.notifications)")
        let request = try #require(try server.received().first)
        #expect(request.method == "POST")
        #expect(request.path == "/2010-04-01/Accounts/AC123/Messages.json")
        #expect(request.header("Authorization") == "Basic " + Data("AC123:tok&en".utf8).base64EncodedString())
        let form = String(decoding: request.body, as: UTF8.self)
        #expect(form.hasPrefix("To=%2B15550199&From=%2B15550100&Body="))
        #expect(form.contains("Caf%C3%A9+Ol%C3%A9"), "the body is UTF-8 and form-escaped")
    }

    @Test func aWebhookProviderGetsEveryValueEscapedForItsEncoding() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,credit\nC1,\"Say \"\"hi\"\" & <bye>\",5\n")
        try FileManager.default.createDirectory(atPath: scratch.url("cdrs"), withIntermediateDirectories: true)
        for encoding in ["json", "form"] {
            let job = try self.job(scratch, sms: """
            sms: { provider: "webhook", url: "\(server.url("/ok"))", encoding: "\(encoding)", headers: { "X-Api-Key": "k" } },
            """, alert: "{ title: \"SMS \(encoding)\", company: \"C1\", to: [\"+15550199\"], area: \"balance\", operator: \"<\", threshold: 10 }")
            _ = try run(job, "2026-11-27T01:00:00Z")
        }
        let requests = try server.received()
        #expect(requests.count == 2)
        for (request, check) in zip(requests, [{ (b: String) in b.contains(#"Say \"hi\" & <bye>"#) }, { (b: String) in b.contains("Say+%22hi%22+%26+%3Cbye%3E") && b.contains("to=%2B15550199") }]) {
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(check(body), "\(body)")
            #expect(request.header("X-Api-Key") == "k")
        }
    }

    @Test func anSMSEndpointAnswering500IsRetriedLaterAndDeliveredOnce() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = try job(scratch, sms: "sms: { provider: \"webhook\", url: \"\(server.url("/flaky"))\" },",
                          alert: "{ title: \"Low Balance\", company: \"C1\", to: [\"contacts\"], area: \"balance\", operator: \"<\", threshold: 10 }")
        let first = try run(job, "2026-11-27T01:00:00Z")
        #expect(first.notifications.map(\.result) == [.failed])
        #expect(first.notifications.first?.error?.contains("HTTP 500: temporarily unavailable") == true)
        #expect(first.exitCode == 2)
        let early = try run(job, "2026-11-27T01:05:00Z")
        #expect(early.notifications.map(\.result) == [.waiting], "the 10m backoff has not passed")
        let retried = try run(job, "2026-11-27T01:11:00Z")
        #expect(retried.notifications.map(\.result) == [.sent])
        _ = try run(job, "2026-11-27T02:00:00Z")
        #expect(try server.received().count == 2, "one failed attempt, one delivery, nothing after")
    }

    @Test func penaltyWebhooksAreCalledForApplyAndLiftWithTheToken() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        scratch.write("cdrs/1.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,0,503,,0,0\n")
        try FileManager.default.createDirectory(atPath: scratch.url("drop"), withIntermediateDirectories: true)
        let job = try job(scratch, penalties: "penalties: { webhook: { url: \"\(server.url("/ok"))\", token_env: \"HOOK\" } },",
                          alert: "{ title: \"Carrier ASR\", company: \"P1\", to: [], area: \"asr\", operator: \"<\", threshold: 50, sample_period: \"1h\", min_calls: 1, penalty: \"1h\" }")
        _ = try run(job, "2026-11-27T01:00:00Z", secrets: ["HOOK": "t0ken"])
        _ = try run(job, "2026-11-27T02:00:00Z", secrets: ["HOOK": "t0ken"])
        let calls = try server.received()
        #expect(calls.count == 2)
        #expect(calls.allSatisfy { $0.header("Authorization") == "Bearer t0ken" })
        let bodies = calls.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies[0].contains("\"action\":\"apply\"") && bodies[0].contains("\"company\":\"P1\""))
        #expect(bodies[1].contains("\"action\":\"lift\""))
    }

    @Test func aMessageFailedWhileTheSMTPServerIsDownIsDeliveredOnceByALaterRun() throws {
        let port = try unusedLoopbackPort()
        let scratch = Scratch()
        let job = try job(scratch, email: "email: { url: \"smtp://127.0.0.1:\(port)\", starttls: \"off\", from: \"noc@acme.example\" },")
        let down = try run(job, "2026-11-27T01:00:00Z")
        #expect(down.notifications.map(\.result) == [.failed])
        #expect(down.notifications.first?.error?.contains("127.0.0.1:\(port)") == true)
        let server = try LocalSMTPServer(.init(port: port))
        let up = try run(job, "2026-11-27T02:00:00Z")
        #expect(up.notifications.map(\.result) == [.sent])
        _ = try run(job, "2026-11-27T03:00:00Z")
        #expect(try server.received().count == 1)
    }

    @Test func aRunKilledBetweenCommitAndSendHasItsMessageDeliveredExactlyOnceByTheNext() throws {
        let port = try unusedLoopbackPort()
        let scratch = Scratch()
        let job = try job(scratch, email: "email: { url: \"smtp://127.0.0.1:\(port)\", starttls: \"off\", from: \"noc@acme.example\", connect_timeout: \"60s\", timeout: \"60s\" },")
        // A server that accepts and never answers holds the run between its commit and the send.
        let silent = try LocalSMTPServer(.init(silent: true, port: port))
        let victim = try KlaxonBinary.start(["run", job.file, "--now", "2026-11-27T01:00:00Z"])
        #expect(silent.waitForConnections(), "the run reached the server, after its commit")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        silent.stop()
        let committed = try StateStore(directory: job.stateDirectory).loadCurrent()
        #expect(committed.meta.outbox.count == 1, "the decided message was committed before the send")

        let server = try LocalSMTPServer(.init(port: port))
        let next = try KlaxonBinary.run(["run", job.file, "--now", "2026-11-27T02:00:00Z"])
        #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
        _ = try KlaxonBinary.run(["run", job.file, "--now", "2026-11-27T03:00:00Z"])
        #expect(try server.received().count == 1)
        #expect(try StateStore(directory: job.stateDirectory).loadCurrent().meta.outbox.isEmpty)
    }

    @Test func klaxonTestSendMailsAMessageMarkedAsATestAndChangesNoState() throws {
        let server = try LocalSMTPServer()
        let scratch = Scratch()
        let job = try job(scratch, email: "email: { url: \"\(server.plainURL)\", starttls: \"off\", from: \"noc@acme.example\" },")
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("files"))).run()
        let before = try Data(contentsOf: URL(fileURLWithPath: scratch.url("state/state")))
        let result = try KlaxonBinary.run(["test", job.file, "--alert", "Low Balance", "--company", "C1", "--send"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("sent email to a@c1.example, b@c1.example"))
        let text = String(decoding: try #require(try server.received().first).data, as: UTF8.self)
        #expect(text.contains("X-Klaxon-Test: yes\r\n"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.url("state/state"))) == before)
    }

    @Test func klaxonTestSendToGoesToTheGivenAddressesInsteadOfTheContacts() throws {
        let server = try LocalSMTPServer()
        let scratch = Scratch()
        let job = try job(scratch, email: "email: { url: \"\(server.plainURL)\", starttls: \"off\", from: \"noc@acme.example\" },")
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("files"))).run()
        let result = try KlaxonBinary.run(["test", job.file, "--alert", "Low Balance", "--company", "C1", "--send", "--to", "me@ops.example"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("sent email to me@ops.example"), "\(result.stdout)")
        let received = try server.received()
        #expect(received.map(\.rcptTos) == [["me@ops.example"]], "the company's contacts get nothing")
        let bad = try KlaxonBinary.run(["test", job.file, "--alert", "Low Balance", "--company", "C1", "--send", "--to", "not an address"])
        #expect(bad.status == 1)
        let unsent = try KlaxonBinary.run(["test", job.file, "--alert", "Low Balance", "--company", "C1", "--to", "me@ops.example"])
        #expect(unsent.status == 1 && unsent.stderr.contains("add --send"), "\(unsent.stderr)")
        #expect(try server.received().count == 1, "nothing more was sent")
        #expect(bad.stderr.contains("--to: malformed address \"not an address\""), "\(bad.stderr)")
        #expect(try server.received().count == 1, "nothing is sent when --to is wrong")
    }
}

/// The SMS webhook as the job writes it: JSON types and nesting, secrets from the
/// environment, and gateways behind a private CA (SMS and penalty webhook alike).
@Suite("SMS webhook shape and trust", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct WebhookShapeTests {
    func job(_ scratch: Scratch, sms: String, penalties: String = "") throws -> Job {
        scratch.write("drop/b.csv", "id,name,credit\nC1,Acme,5\n")
        return try scratch.job("""
        { name: "shape", state: "state", inputs: { balances: { path: "drop" } }, \(sms) \(penalties)
          alerts: [ { title: "Low", company: "C1", to: ["+15550199"], area: "balance", operator: "<", threshold: 10, penalty: "1h" } ] }
        """)
    }

    func run(_ job: Job, secrets: [String: String] = [:]) throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z")), sink: TransportSink(job: job, secrets: Secrets(environment: secrets))).run()
    }

    @Test func numbersBooleansAndNestedObjectsKeepTheirJSONTypes() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = try job(scratch, sms: """
        sms: { provider: "webhook", url: "\(server.url("/ok"))",
               body: { to: "{{to}}", text: "{{body}}", priority: 1, flash: false, ratio: 0.5, none: null,
                       meta: { tags: ["alert", 7], to: "{{to}}" } } },
        """)
        let report = try run(job)
        #expect(report.notifications.filter { $0.channel == .sms }.map(\.result) == [.sent], "\(report.notifications)")
        let request = try #require(try server.received().first)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        #expect((body["priority"] as? NSNumber)?.intValue == 1 && !(body["priority"] is String))
        #expect((body["flash"] as? Bool) == false)
        #expect((body["ratio"] as? NSNumber)?.doubleValue == 0.5)
        #expect(body["none"] is NSNull)
        let meta = try #require(body["meta"] as? [String: Any])
        #expect(meta["to"] as? String == "+15550199", "string leaves inside objects are templates too")
        let tags = try #require(meta["tags"] as? [Any])
        #expect(tags.first as? String == "alert")
        #expect((tags.last as? NSNumber)?.intValue == 7)
        #expect((body["text"] as? String)?.isEmpty == false)
    }

    @Test func theTokenAndHeaderValuesComeFromTheEnvironment() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = try job(scratch, sms: """
        sms: { provider: "webhook", url: "\(server.url("/ok"))", token_env: "SMS_TOKEN",
               headers: { "X-Api-Key": "key-${SMS_KEY}", "X-Tenant": 42 } },
        """)
        let report = try run(job, secrets: ["SMS_TOKEN": "tok-123", "SMS_KEY": "k-456"])
        #expect(report.notifications.filter { $0.channel == .sms }.map(\.result) == [.sent], "\(report.notifications)")
        let request = try #require(try server.received().first)
        #expect(request.header("Authorization") == "Bearer tok-123")
        #expect(request.header("X-Api-Key") == "key-k-456")
        #expect(request.header("X-Tenant") == "42")
        #expect(job.secretVariables.map(\.name).sorted() == ["SMS_KEY", "SMS_TOKEN"])
    }

    @Test func anUnsetHeaderVariableFailsTheSendByName() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = try job(scratch, sms: """
        sms: { provider: "webhook", url: "\(server.url("/ok"))", headers: { "X-Api-Key": "${SMS_KEY}" } },
        """)
        let report = try run(job)
        #expect(report.notifications.filter { $0.channel == .sms }.map(\.result) == [.failed])
        #expect(report.notifications.first?.error?.contains("SMS_KEY") == true, "\(report.notifications)")
        #expect(try server.received().isEmpty)
    }

    @Test func gatewaysBehindAPrivateCAAreReachedThroughTheirCAFile() throws {
        let certificate = try TestCertificate.shared()
        let server = try LocalHTTPServer(certificate: certificate)
        let scratch = Scratch()
        let trusted = try job(scratch, sms: "sms: { provider: \"webhook\", url: \"\(server.url("/ok"))\", ca_file: \"\(certificate.certificatePath)\" },",
                              penalties: "penalties: { webhook: { url: \"\(server.url("/ok"))\", ca_file: \"\(certificate.certificatePath)\" } },")
        let report = try run(trusted)
        #expect(report.notifications.filter { $0.channel != .penaltyLog }.map(\.result) == [.sent, .sent], "\(report.notifications)")
        #expect(try server.received().count == 2)

        let other = Scratch()
        let untrusted = try job(other, sms: "sms: { provider: \"webhook\", url: \"\(server.url("/ok"))\" },")
        let refused = try run(untrusted)
        #expect(refused.notifications.filter { $0.channel == .sms }.map(\.result) == [.failed])
        #expect(refused.notifications.first?.error?.contains("certificate") == true, "\(refused.notifications)")
    }
}
