import Foundation
import Testing
import KlaxonCore
@testable import KlaxonTestSupport

/// The built `klaxon` delivering grouped notifications (behaviour.md "Grouped notifications") to a real SMTP server
/// and a real SMS gateway on loopback; what arrived is parsed by Python's `email` package.
@Suite(.serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct DigestDeliveryTests {
    static let balances = """
    id,name,type,credit,currency,email,phone
    C1,Café Olé,customer,5,EUR,ops@c1.example,
    C2,<Beta> & Sons,customer,3,EUR,ops@c2.example,
    C3,Gamma,customer,500,EUR,ops@c3.example,
    P1,Carrier One,carrier,-20,EUR,,

    """

    func job(_ temp: TempFolder, smtp: LocalSMTPServer, http: LocalHTTPServer) throws -> String {
        try FileManager.default.createDirectory(atPath: temp.url("drop"), withIntermediateDirectories: true)
        try Self.balances.write(toFile: temp.url("drop/b.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: temp.url("drop/b.csv"))
        let job = temp.url("job.json5")
        try """
        { name: "digest", state: "state", brand: "ACME", inputs: { balances: { path: "drop" } },
          email: { url: "\(smtp.plainURL)", starttls: "off", from: "ACME NOC <noc@acme.example>" },
          sms: { provider: "webhook", url: "\(http.url("/ok"))", max_segments: 1 },
          notify: { group: "recipient" },
          alerts: [
            { title: "Low Balance", scope: { type: "customer" }, to: ["contacts", "noc@example.com", "+15550100"],
              area: "balance", operator: "<", threshold: 10, level: "warning" },
            { title: "Carrier Negative", scope: { type: "carrier" }, to: ["noc@example.com", "+15550100"],
              area: "balance", operator: "<", threshold: 0, level: "error" },
          ] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        return job
    }

    @Test func oneDigestPerAddressArrivesAsMultipartMailAndOneSMS() throws {
        let smtp = try LocalSMTPServer()
        let http = try LocalHTTPServer()
        let temp = TempFolder()
        let job = try job(temp, smtp: smtp, http: http)

        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")

        let mails = try smtp.received()
        #expect(mails.map(\.rcptTos).sorted { $0[0] < $1[0] } == [["noc@example.com"], ["ops@c1.example"], ["ops@c2.example"]])
        let noc = try ParsedMIME.parse(try #require(mails.first { $0.rcptTos == ["noc@example.com"] }).data)
        #expect(noc.defects.isEmpty, "\(noc.defects)")
        #expect(noc.subject == "[ACME] 3 alerts firing")
        #expect(noc.to == "noc@example.com")
        #expect(noc.message_id.hasPrefix("<klaxon.") && noc.message_id.hasSuffix("@acme.example>"))
        #expect(noc.types == ["multipart/alternative", "text/plain", "text/html"])
        let text = try #require(noc.plain)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("FIRING") }
        #expect(lines == [
            "FIRING Carrier Negative (error): Carrier One (P1), balance -20.00 EUR, threshold 0.00 EUR",
            "FIRING Low Balance (warning): Café Olé (C1), balance 5.00 EUR, threshold 10.00 EUR",
            "FIRING Low Balance (warning): <Beta> & Sons (C2), balance 3.00 EUR, threshold 10.00 EUR",
        ], "most severe first, then by company id: \(text)")
        let html = try #require(noc.html)
        #expect(html.contains("<td>&lt;Beta&gt; &amp; Sons (C2)</td>"), "\(html)")
        #expect(html.components(separatedBy: "<tr><td>firing</td>").count - 1 == 3, "\(html)")

        let contact = try ParsedMIME.parse(try #require(mails.first { $0.rcptTos == ["ops@c1.example"] }).data)
        #expect(contact.subject == "[ACME] 1 alert firing — Café Olé", "RFC 2047 decoded by Python")
        let contactText = try #require(contact.plain)
        #expect(contactText.hasPrefix("Hello Café Olé,\n"))
        #expect(!contactText.contains("Beta") && !contactText.contains("Carrier One"), "\(contactText)")

        let requests = try http.received()
        #expect(requests.count == 1)
        let sms = try JSONDecoder().decode([String: String].self, from: Data(try #require(requests.first).body))
        #expect(sms["to"] == "+15550100")
        let body = try #require(sms["body"])
        #expect(body.hasPrefix("ACME: 3 alerts firing\nCarrier Negative Carrier One -20.00 EUR\n"), "\(body)")
        #expect(SMSSegments.count(body) == 1, "max_segments 1: \(body)")

        // Nothing new an hour later: no digest at all.
        let quiet = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--quiet"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(try smtp.received().count == 3)
        #expect(try http.received().count == 1)
    }

    @Test func aDigestThatCannotBeDeliveredIsAStderrLineUnderQuiet() throws {
        let smtp = try LocalSMTPServer()
        let http = try LocalHTTPServer()
        let temp = TempFolder()
        let job = try job(temp, smtp: smtp, http: http)
        smtp.stop()
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--quiet"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("delivery failed (attempt 1; next attempt at 2026-11-27T01:05:00Z) email to noc@example.com: [ACME] 3 alerts firing"), "\(run.stderr)")
        #expect(try http.received().count == 1, "the SMS digest went out all the same")
    }
}
