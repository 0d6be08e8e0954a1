import Foundation
import Testing
@testable import KlaxonTestSupport

/// The HTML report as a browser shows it: headless Chromium takes a screenshot.
@Suite struct ReportRenderingTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium: apt-get install -y chromium"))
    func theHTMLReportRendersInHeadlessChromium() throws {
        let (temp, job) = try TempFolder.ranExampleJob()
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
