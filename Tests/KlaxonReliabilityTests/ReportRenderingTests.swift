import Foundation
import Testing
@testable import KlaxonTestSupport

/// The HTML report as a browser shows it: headless Chromium takes a screenshot.
@Suite struct ReportRenderingTests {

    @Test(.enabled(if: HeadlessChromium.path != nil, "needs Debian's chromium: apt-get install -y chromium"))
    func theHTMLReportRendersInHeadlessChromium() throws {
        let (temp, job) = try TempFolder.ranExampleJob()
        _ = try KlaxonBinary.run(["report", job, "--format", "html", "--now", "2026-11-27T02:00:00Z", "--output", temp.url("report.html")])
        let png = temp.url("report.png")
        let (status, data) = try HeadlessChromium.screenshot(temp.url("report.html"), to: png, width: 1400, height: 1700,
                                                             profile: temp.url("chromium-profile"))
        #expect(status == 0)
        // A blank page compresses to a few kilobytes; tables, text and colour do not.
        #expect(data.count > 50_000, "\(data.count) bytes: the page looks empty")
        // The PNG header's width and height are the window's.
        let size = HeadlessChromium.size(ofPNG: data)
        #expect(size?.width == 1400 && size?.height == 1700, "a PNG of the window's size: \(String(describing: size))")
    }
}
