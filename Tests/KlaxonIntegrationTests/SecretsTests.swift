import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Security": secrets come from the environment and go only to the servers. Runs of the
/// built `klaxon` whose deliveries fail in the ways that tend to quote credentials (a
/// login refused, a gateway echoing the headers it was sent), succeed, and are
/// retried; then every byte it printed or wrote — stdout, stderr, the state, its
/// backup, the journal, the reports, the outbox files, the penalty file and log — is
/// searched for every secret, plain and in the encodings it travels in.
@Suite("Secrets", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct SecretsTests {
    static let smtpUser = "klaxon-mailer"
    static let smtpPassword = "Smtp-pw-7d1e9c"
    static let twilioAccount = "AC0123456789"
    static let twilioToken = "Twilio-tok-55af01"
    static let hookToken = "Hook-tok-9b3e77"

    /// Each secret as it may appear: plain, in Basic auth, in SMTP AUTH PLAIN and LOGIN.
    static let forms: [String] = [
        smtpPassword, twilioToken, hookToken,
        Data("\(twilioAccount):\(twilioToken)".utf8).base64EncodedString(),
        Data("\u{0}\(smtpUser)\u{0}\(smtpPassword)".utf8).base64EncodedString(),
        Data(smtpPassword.utf8).base64EncodedString(),
    ]

    static let environment = [
        "KLAXON_T_SMTP_USER": smtpUser, "KLAXON_T_SMTP_PASSWORD": smtpPassword,
        "KLAXON_T_TWILIO_SID": twilioAccount, "KLAXON_T_TWILIO_TOKEN": twilioToken, "KLAXON_T_HOOK_TOKEN": hookToken,
    ]

    @Test func noPasswordOrTokenAppearsInAnythingKlaxonPrintsOrWrites() throws {
        // The mail server knows another password; the HTTP server echoes what it is sent.
        let smtp = try LocalSMTPServer(.init(auth: (Self.smtpUser, "another-password")))
        let http = try LocalHTTPServer()
        let scratch = Scratch()
        scratch.write("drop/balances/b-1.csv", "id,name,type,credit,email,phone\nC1,Acme,customer,5,billing@c1.example,+15550101\n")
        scratch.write("job.json5", """
        { name: "secrets", state: "state",
          inputs: { balances: { path: "drop/balances", settle: "0s" } },
          email: { url: "\(smtp.plainURL)", starttls: "off", from: "noc@acme.example",
                   username_env: "KLAXON_T_SMTP_USER", password_env: "KLAXON_T_SMTP_PASSWORD" },
          sms: { provider: "twilio", account_env: "KLAXON_T_TWILIO_SID", token_env: "KLAXON_T_TWILIO_TOKEN",
                 from: "+15550100", base_url: "\(http.url("/echo"))" },
          penalties: { file: "out/penalties.csv", webhook: { url: "\(http.url("/echo/hook"))", token_env: "KLAXON_T_HOOK_TOKEN" } },
          delivery: { retry_backoff: "1m", give_up_after: "3m" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts"], area: "balance", operator: "<",
                      threshold: 10, penalty: "1h", repeat: "1h" } ] }
        """, age: 0)
        let job = scratch.url("job.json5")
        var printed: [String] = []
        func klaxon(_ arguments: [String]) throws -> KlaxonBinary.Output {
            let result = try KlaxonBinary.run(arguments, environment: Self.environment)
            printed += [result.stdout, result.stderr]
            return result
        }

        // Fails: the login is refused and the gateway and the webhook answer 500 with the credentials.
        let failed = try klaxon(["run", job, "--now", "2026-11-27T01:00:00Z", "--report", scratch.url("report-1.json")])
        #expect(failed.status == 2)
        #expect(failed.stdout.contains("refused the login"), "\(failed.stdout)")
        #expect(failed.stdout.contains("HTTP 500: refused:"), "the gateway's own text is still shown: \(failed.stdout)")
        // Retried, then dead; the report and the status show the errors again.
        _ = try klaxon(["run", job, "--now", "2026-11-27T01:02:00Z"])
        _ = try klaxon(["run", job, "--now", "2026-11-27T01:05:00Z", "--report", scratch.url("report-2.json")])
        _ = try klaxon(["status", job])
        _ = try klaxon(["report", job, "--format", "md", "--now", "2026-11-27T01:05:00Z"])
        _ = try klaxon(["test", job, "--alert", "Low Balance", "--company", "C1", "--send"])
        // And a run that succeeds, written to files.
        _ = try klaxon(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", scratch.url("sent")])

        let requests = try http.received()
        #expect(requests.contains { $0.header("Authorization") == "Bearer \(Self.hookToken)" }, "the webhook did get its token")
        var searched = printed
        var files = 0
        for case let relative as String in FileManager.default.enumerator(atPath: scratch.path)! where !relative.hasPrefix("drop") {
            let path = scratch.url(relative)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue, relative != "job.json5" else { continue }
            searched.append(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
            files += 1
        }
        #expect(files >= 8, "state, backup, journal, reports, penalty file and log, sent files")
        for (index, text) in searched.enumerated() {
            for secret in Self.forms {
                #expect(!text.contains(secret), "secret \(secret.prefix(4))… found in output \(index): \(text.prefix(600))")
            }
        }
    }

    /// A token whose base64 (in Basic auth) holds both `/` and `+`, with characters that
    /// every encoding writes differently: a space, `&`, `"`, `?` and non-ASCII.
    static let encodedToken = "Tw/tok+5 a&\"?ÿþ"

    /// An SMS gateway that quotes the credentials it refuses in one encoding or another
    /// (Tests/Support/http_server.py `/encoded/<form>`): the forms it really writes are
    /// asked of it first, then every one is searched for in what two runs (a failure
    /// and its retry, so `state.bak` holds the first) printed and wrote.
    @Test(arguments: ["json", "json-ascii", "url", "url-lower", "form", "base64", "html", "all"])
    func anSMSGatewayEchoingCredentialsInAnyEncodingLeaksNothing(encoding: String) throws {
        let http = try LocalHTTPServer()
        let basic = Data("\(Self.twilioAccount):\(Self.encodedToken)".utf8).base64EncodedString()
        #expect(basic.contains("/") && basic.contains("+"))
        // What the gateway writes for each credential, asked of it directly.
        var forms: Set<String> = []
        for credential in [basic, Self.encodedToken] {
            let probe = try CurlHTTPTransport().send(HTTPRequest(method: "POST", url: http.url("/encoded/\(encoding)/probe"),
                                                                 headers: [HTTPHeader("X-Token", credential)]))
            let echoed = String(decoding: probe.body, as: UTF8.self).dropFirst("refused: ".count)
            // json.dumps quotes the value; what matters is what is inside the quotes.
            forms.formUnion(echoed.components(separatedBy: " | ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }.filter { $0.count > 4 })
        }
        #expect(forms.count >= 2, "\(forms)")

        for provider in ["twilio", "webhook"] {
            let scratch = Scratch()
            scratch.write("drop/b.csv", "id,name,credit\nC1,Acme,5\n")
            let sms = provider == "twilio"
                ? "{ provider: \"twilio\", account_env: \"SID\", token_env: \"TOK\", from: \"+15550100\", base_url: \"\(http.url("/encoded/\(encoding)"))\" }"
                : "{ provider: \"webhook\", url: \"\(http.url("/encoded/\(encoding)/send"))\", token_env: \"TOK\" }"
            let job = try scratch.job("""
            { name: "echo", state: "state", inputs: { balances: { path: "drop" } }, sms: \(sms), delivery: { retry_backoff: "1m" },
              alerts: [ { title: "Low", company: "C1", to: ["+15550199"], area: "balance", operator: "<", threshold: 10 } ] }
            """)
            let sink = TransportSink(job: job, secrets: Secrets(environment: ["SID": Self.twilioAccount, "TOK": Self.encodedToken]))
            var printed: [String] = []
            for now in ["2026-11-27T01:00:00Z", "2026-11-27T01:02:00Z"] {
                let report = try Runner(job: job, options: RunOptions(now: at(now), reportPath: scratch.url("report.json")), sink: sink).run()
                printed += [RunSummary.text(report)] + DeliveryProblems.lines(report.notifications)
                let error = report.notifications.first?.error ?? ""
                #expect(error.contains("HTTP 500: refused: ") && error.contains("[redacted]"), "\(provider) \(encoding): \(error)")
            }
            var searched = printed
            for case let relative as String in FileManager.default.enumerator(atPath: scratch.path)! where !relative.hasPrefix("drop") && relative != "job.json5" {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: scratch.url(relative), isDirectory: &isFolder), !isFolder.boolValue else { continue }
                searched.append(String(decoding: try Data(contentsOf: URL(fileURLWithPath: scratch.url(relative))), as: UTF8.self))
            }
            #expect(FileManager.default.fileExists(atPath: scratch.url("state/state.bak")))
            for text in searched {
                for form in forms {
                    #expect(!text.contains(form), "\(provider) \(encoding): \(form) found in \(text.prefix(400))")
                }
            }
        }
    }
}
