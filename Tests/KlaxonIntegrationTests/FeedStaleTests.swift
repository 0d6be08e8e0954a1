import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Feed health and live files" `expect_every`: the built binary, hourly runs, and the loopback SMTP server
/// standing in for the operators' mailbox.
@Suite("Feed staleness", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct FeedStaleTests {
    let scratch = Scratch()
    let server: LocalSMTPServer

    init() throws {
        server = try LocalSMTPServer()
        try FileManager.default.createDirectory(atPath: scratch.url("drop/cdrs"), withIntermediateDirectories: true)
    }

    func writeJob(_ extra: String = "", job jobExtra: String = "") {
        scratch.write("job.json5", """
        { name: "feeds", state: "state", interval: "1h", brand: "Acme", metrics_file: "out/klaxon.prom",\(jobExtra)
          operators: ["noc@acme.example"],
          inputs: { cdrs: { path: "drop/cdrs", expect_every: "2h"\(extra) } },
          email: { url: "\(server.plainURL)", starttls: "off", from: "klaxon@acme.example" },
          alerts: [ { title: "Busy", scope: { type: "any" }, to: [], area: "attempts", operator: ">", threshold: 1000000, sample_period: "1h" } ] }
        """, age: 0)
    }

    func run(_ time: String) throws -> KlaxonBinary.Output {
        try KlaxonBinary.run(["run", scratch.url("job.json5"), "--now", "2026-11-27T\(time):00Z", "--quiet"])
    }

    func subjects() throws -> [String] {
        try server.received().compactMap { message in
            String(decoding: message.data, as: UTF8.self).components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") }
        }
    }

    func metric(_ status: String) -> String? {
        scratch.read("out/klaxon.prom")?.split(separator: "\n")
            .first { $0.hasPrefix("klaxon_alert_instances{") && $0.contains("alert=\"feed stale: cdrs\"") && $0.contains("status=\"\(status)\"") }
            .map { String($0.split(separator: " ").last ?? "") }
    }

    @Test func aStaleFeedFiresOnceExitsTwoWhileStaleAndResetsWhenAFileArrives() throws {
        writeJob()
        scratch.write("drop/cdrs/c-1.csv", cdrHeader + "2026-11-27 00:50:00,x,C1,P1,1,10,200,,0,0\n")
        #expect(try run("01:00").status == 0)
        #expect(try run("03:00").status == 0, "two hours without a file is not yet older than expect_every 2h")
        #expect(try subjects().isEmpty)

        let stale = try run("04:00")
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("feed stale: cdrs"), "said on stderr under --quiet: \(stale.stderr)")
        #expect(try subjects() == ["Subject: [Acme] feed stale: cdrs (feeds)"])
        #expect(try server.received().first?.rcptTos == ["noc@acme.example"])
        let status = try KlaxonBinary.run(["status", scratch.url("job.json5")])
        #expect(status.stdout.contains("feed stale: cdrs: STALE since 2026-11-27T04:00:00Z"), "\(status.stdout)")
        #expect(metric("triggered") == "1" && metric("ok") == "0")
        let report = try #require(latestReport())
        #expect(report.contains("\"stale\" : true") || report.contains("\"stale\":true"), "\(report)")

        #expect(try run("05:00").status == 2)
        #expect(try run("06:00").status == 2)
        #expect(try subjects().count == 1, "no repeat inside the default one-day interval")

        scratch.write("drop/cdrs/c-2.csv", cdrHeader + "2026-11-27 06:30:00,y,C1,P1,1,10,200,,0,0\n")
        #expect(try run("07:00").status == 0)
        #expect(try subjects() == ["Subject: [Acme] feed stale: cdrs (feeds)", "Subject: [Acme] Resolved: feed stale: cdrs (feeds)"])
        #expect(metric("ok") == "1" && metric("triggered") == "0")
        #expect(try run("08:00").status == 0)
        #expect(try subjects().count == 2)
    }

    @Test func theStaleSentenceShowsTimesInTheJobsZone() throws {
        writeJob(job: #" timezone: "Europe/Berlin","#)
        scratch.write("drop/cdrs/c-1.csv", cdrHeader + "2026-11-27 00:50:00,x,C1,P1,1,10,200,,0,0\n")
        #expect(try run("01:00").status == 0)
        let stale = try run("04:00")
        #expect(stale.status == 2)
        // The file was taken at 01:00 UTC: 02:00 in Berlin, the operator's clock, in the message;
        // the warning is the run report's, in UTC as all of the report.
        #expect(stale.stderr.contains("taken since 2026-11-27T01:00:00Z (3h ago)"), "\(stale.stderr)")
        let mail = try ParsedMIME.parse(try #require(try server.received().first).data)
        #expect(mail.plain?.contains("2026-11-27T02:00:00+01:00") == true, "\(mail.plain ?? "")")
        scratch.write("drop/cdrs/c-2.csv", cdrHeader + "2026-11-27 04:10:00,x,C1,P1,1,10,200,,0,0\n")
        #expect(try run("05:00").status == 0)
        let reset = try ParsedMIME.parse(try #require(try server.received().last).data)
        #expect(reset.plain?.contains("arrived at 2026-11-27T06:00:00+01:00") == true, "\(reset.plain ?? "")")
    }

    @Test func aFeedThatNeverDeliveredCountsFromTheFirstRunAndRepeatsPerStaleRepeat() throws {
        writeJob(#", stale_repeat: "3h""#)
        #expect(try run("01:00").status == 0, "a fresh state is not stale on its first run")
        #expect(try run("03:00").status == 0)
        #expect(try run("04:00").status == 2)
        #expect(try run("05:00").status == 2)
        #expect(try run("06:00").status == 2)
        #expect(try subjects().count == 1)
        #expect(try run("07:00").status == 2)
        #expect(try subjects().count == 2, "repeated three hours after the first firing")
        let text = try server.received().last.map { String(decoding: $0.data, as: UTF8.self) } ?? ""
        #expect(text.contains("since 2026-11-27T01:00:00Z"), "\(text)")
    }

    func latestReport() -> String? {
        let folder = scratch.url("state/reports")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        return names.last.flatMap { scratch.read("state/reports/" + $0) }
    }
}
