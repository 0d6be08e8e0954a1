import Foundation
import Testing

/// `klaxon report` as an operator runs it, and its HTML page as a browser shows it.
@Suite(.serialized) struct ReportCommandTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func ranExampleJob() throws -> (TempFolder, String) {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        return (temp, job)
    }

    @Test func everyFormatRendersTheCommittedStateAndABadFormatIsRefused() throws {
        let (temp, job) = try ranExampleJob()
        let md = try KlaxonBinary.run(["report", job, "--now", "2026-11-27T02:00:00Z"])
        #expect(md.status == 0)
        #expect(md.stdout.hasPrefix("# Klaxon report — example-hourly"))
        #expect(md.stdout.contains("| Carrier ASR Penalty | error | P30 | Bad Route Ltd | 15.1% |"))
        let csv = try KlaxonBinary.run(["report", job, "--now", "2026-11-27T02:00:00Z", "--format", "csv"])
        #expect(csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 9, "a header and eight companies")
        let html = try KlaxonBinary.run(["report", job, "--format", "html", "--now", "2026-11-27T02:00:00Z", "--output", temp.url("report.html")])
        #expect(html.status == 0 && html.stdout.isEmpty)
        #expect(try String(contentsOfFile: temp.url("report.html"), encoding: .utf8).contains("Bad Route Ltd"))
        let bad = try KlaxonBinary.run(["report", job, "--format", "pdf"])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("klaxon report: --format \"pdf\" is not one of md, csv or html"))
    }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium: apt-get install -y chromium"))
    func theHTMLReportRendersInHeadlessChromium() throws {
        let (temp, job) = try ranExampleJob()
        _ = try KlaxonBinary.run(["report", job, "--format", "html", "--now", "2026-11-27T02:00:00Z", "--output", temp.url("report.html")])
        let png = temp.url("report.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium ?? "")
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1700",
                             "--user-data-dir=\(temp.url("chromium-profile"))", "--screenshot=\(png)", "file://\(temp.url("report.html"))"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        // A blank page compresses to a few kilobytes; tables, text and colour do not.
        #expect(data.count > 50_000, "\(data.count) bytes: the page looks empty")
        // The PNG header's width and height are the window's.
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect((width, height) == (1400, 1700))
    }
}
