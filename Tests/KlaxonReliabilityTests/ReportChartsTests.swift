import Foundation
import Testing
@testable import KlaxonTestSupport

/// The nightly example's HTML report (behaviour.md "The operator's time and trends"): its charts drawn from the fixture's
/// hourly numbers, rendered by headless Chromium, and mailed as the HTML part.
///
/// The screenshots are kept: in `$KLAXON_TEST_ARTIFACTS` when set, else in
/// `.build/test-artifacts/` of the repository.
@Suite struct ReportChartsTests {
    static let artifacts = ProcessInfo.processInfo.environment["KLAXON_TEST_ARTIFACTS"] ?? Repository.path(".build/test-artifacts")
    static let start = epoch("2026-11-25T23:00:00Z")

    /// Per company, attempts and connected calls per hour from 2026-11-26T00:00+01:00
    /// (the start of Berlin's yesterday) to the run, read straight from the fixture.
    func fixtureHours() throws -> [String: [(attempts: Int, connected: Int)]] {
        let text = try String(contentsOfFile: Repository.path("fixtures/nightly/buckets-2026-11-26.csv"), encoding: .utf8)
        var hours: [String: [(attempts: Int, connected: Int)]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let hour = Int((epoch(f[2].replacingOccurrences(of: " ", with: "T") + "Z") - Self.start) / 3_600)
            var list = hours[f[0], default: Array(repeating: (0, 0), count: 27)]
            list[hour].attempts += Int(f[3]) ?? 0
            list[hour].connected += Int(f[4]) ?? 0
            hours[f[0]] = list
        }
        return hours
    }

    /// The nightly job run at 03:00 in Berlin over a scratch copy, and its HTML report.
    func ranNightly() throws -> (TempFolder, String, String) {
        let temp = TempFolder()
        _ = try temp.exampleJob()
        let job = temp.url("jobs/example-nightly.json5")
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        _ = try KlaxonBinary.run(["report", job, "--format", "html", "--now", "2026-11-27T02:00:00Z", "--output", temp.url("report.html")])
        return (temp, job, try String(contentsOfFile: temp.url("report.html"), encoding: .utf8))
    }

    /// Every `<svg>` of the page: its class, its title, and the points of its polylines.
    func charts(_ html: String) -> [(kind: String, title: String, points: [[(x: Double, y: Double)]])] {
        html.matches(of: /<svg class="chart (\w+)"[^>]*>(.*?)<\/svg>/).map { m in
            let body = String(m.output.2)
            let title = body.firstMatch(of: /^<title>([^<]*)<\/title>/).map { String($0.output.1) } ?? ""
            let lines = body.matches(of: /<polyline[^>]* points="([^"]*)"/).map { line in
                line.output.1.split(separator: " ").map { pair in
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    return (x: xy.first ?? .nan, y: xy.last ?? .nan)
                }
            }
            return (String(m.output.1), title, lines)
        }
    }

    /// x = i × width / (n − 1); y = height × (top − v) / top, as SVGChart documents.
    func expectPoints(_ points: [(x: Double, y: Double)], _ values: [Double], top: Double, width: Double = 240, height: Double = 36, _ what: String) {
        #expect(points.count == values.count, "\(what): \(points.count) points for \(values.count) hours")
        for (i, (p, v)) in zip(points, values).enumerated() {
            let x = Double(i) * width / Double(values.count - 1), y = height * (top - v) / top
            #expect(abs(p.x - x) < 0.006 && abs(p.y - y) < 0.006, "\(what) hour \(i): (\(p.x), \(p.y)) for \(v), expected (\(x), \(y))")
        }
    }

    @Test func eachSparklineDrawsTheFixturesHourlyValues() throws {
        let (_, _, html) = try ranNightly()
        let hours = try fixtureHours()
        let all = charts(html)
        #expect(all.allSatisfy { !$0.title.isEmpty }, "every chart has a <title>")
        for (company, list) in hours {
            let attempts = list.map { Double($0.attempts) }
            let asr = list.map { Double($0.connected) / Double($0.attempts) * 100 }
            let attemptsChart = try #require(all.first { $0.kind == "attempts" && $0.title == "Attempts per hour, \(company)" })
            let asrChart = try #require(all.first { $0.kind == "asr" && $0.title == "ASR per hour, \(company)" })
            #expect(attemptsChart.points.count == 1 && asrChart.points.count == 1, "no hour without calls: one line each")
            expectPoints(attemptsChart.points.first ?? [], attempts, top: attempts.max() ?? 1, "attempts \(company)")
            expectPoints(asrChart.points.first ?? [], asr, top: min(100, ((asr.max() ?? 0) / 10).rounded(.up) * 10), "ASR \(company)")
            // The numbers as text, for people and screen readers.
            #expect(html.contains("<desc>01:00 \(list[0].attempts), 02:00 \(list[1].attempts),"), "\(company)'s attempts as text")
        }
        // Bad Route's slide at a glance: its ASR line ends far below where it starts.
        let slide = try #require(all.first { $0.title == "ASR per hour, P30" }?.points.first)
        #expect((slide.last?.y ?? 0) - (slide.first?.y ?? 0) > 36 * 0.6, "P30's line falls most of the chart's height")
        // The triggered instance's history, against its threshold (15%) and reset threshold (20%).
        let history = try #require(html.firstMatch(of: /<svg class="chart history"[^>]*><title>Carrier ASR Slide \/ P30[^<]*<\/title>.*?<\/svg>/))
        let svg = String(history.output)
        #expect(svg.contains("<line class=\"threshold\"") && svg.contains("<line class=\"reset\""))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=\"http"), "nothing fetched, nothing run")
    }

    @Test(.enabled(if: HeadlessChromium.path != nil, "needs Debian's chromium: apt-get install -y chromium"))
    func theNightlyReportRendersInHeadlessChromiumWithItsCharts() throws {
        let (temp, _, html) = try ranNightly()
        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
        let png = (Self.artifacts as NSString).appendingPathComponent("report-nightly.png")
        try? FileManager.default.removeItem(atPath: png)
        try html.write(toFile: (Self.artifacts as NSString).appendingPathComponent("report-nightly.html"), atomically: true, encoding: .utf8)
        let (status, data) = try HeadlessChromium.screenshot(temp.url("report.html"), to: png, width: 1400, height: 2600,
                                                             profile: temp.url("chromium-profile"))
        #expect(status == 0)
        #expect(data.count > 100_000, "\(data.count) bytes: the page looks empty")
        let size = HeadlessChromium.size(ofPNG: data)
        #expect(size?.width == 1400 && size?.height == 2600, "a PNG of the window's size: \(String(describing: size))")
    }

    /// The fixture is what its generator writes, so the data the charts are checked against is the documented slide.
    @Test(.enabled(if: TestPython.isAvailable, "needs python3"))
    func theNightlyFixtureIsWhatItsGeneratorWrites() throws {
        let temp = TempFolder()
        try FileManager.default.createDirectory(atPath: temp.url("fixtures/nightly"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Repository.path("fixtures/nightly.py"), toPath: temp.url("fixtures/nightly.py"))
        let run = TestPython.run(TestPython.executable ?? "", [temp.url("fixtures/nightly.py")])
        #expect(run.status == 0, "\(run.output)")
        let written = try Data(contentsOf: URL(fileURLWithPath: temp.url("fixtures/nightly/buckets-2026-11-26.csv")))
        #expect(written == (try Data(contentsOf: URL(fileURLWithPath: Repository.path("fixtures/nightly/buckets-2026-11-26.csv")))))
    }

    @Test(.enabled(if: TestPython.isAvailable, "needs python3"))
    func theNightlyMailCarriesTheChartsInItsHTMLPart() throws {
        let (temp, _, _) = try ranNightly()
        let files = try FileManager.default.contentsOfDirectory(atPath: temp.url("sent")).filter { $0.hasSuffix(".eml") }
        var report: [String: Any]?
        for file in files {
            let parsed = TestPython.run(TestPython.executable ?? "", [Repository.path("Tests/Support/parse_eml.py"), temp.url("sent/\(file)")])
            #expect(parsed.status == 0, "\(parsed.output)")
            let json = try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [String: Any]
            if (json?["subject"] as? String)?.contains("Nightly traffic report") == true { report = json }
        }
        let mail = try #require(report, "no report mail among \(files)")
        #expect(mail["subject"] as? String == "[Example Telecom] Nightly traffic report 2026-11-27")
        #expect(mail["types"] as? [String] == ["multipart/alternative", "text/plain", "text/html"])
        let html = try #require(mail["html"] as? String)
        #expect(html.contains("<svg class=\"chart asr\""))
        #expect(html.contains("<title>ASR per hour, P30</title>"))
        #expect(html.contains("at 2026-11-27T03:00:00+01:00"), "times in Berlin's zone")
        #expect((mail["plain"] as? String)?.contains("## Traffic yesterday (2026-11-26)") == true)
    }
}
