import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Times shown to people are in the job's `timezone` with their offset (behaviour.md "The operator's time and trends");
/// machine outputs stay UTC.
@Suite struct ShownTimeTests {
    func shown(_ zone: String) -> ShownTime { ShownTime(zone: TimeZone(identifier: zone) ?? .gmt) }

    @Test func timestampsCarryTheOffsetThatHeldAtThatInstant() {
        #expect(shown("Europe/Berlin").timestamp(epoch("2026-11-27T02:00:00Z")) == "2026-11-27T03:00:00+01:00")
        #expect(shown("Europe/Berlin").timestamp(epoch("2026-07-01T12:00:00Z")) == "2026-07-01T14:00:00+02:00")
        // Berlin's autumn change: 01:00Z is 02:00 summer time the first time, then 02:00 winter time an hour later.
        #expect(shown("Europe/Berlin").timestamp(epoch("2026-10-25T00:30:00Z")) == "2026-10-25T02:30:00+02:00")
        #expect(shown("Europe/Berlin").timestamp(epoch("2026-10-25T01:30:00Z")) == "2026-10-25T02:30:00+01:00")
        #expect(shown("America/New_York").timestamp(epoch("2026-11-27T02:00:00Z")) == "2026-11-26T21:00:00-05:00")
        #expect(shown("Asia/Kathmandu").timestamp(epoch("2026-11-27T00:00:00Z")) == "2026-11-27T05:45:00+05:45")
        #expect(ShownTime.utc.timestamp(epoch("2026-11-27T02:00:00Z")) == "2026-11-27T02:00:00Z")
        #expect(shown("UTC").timestamp(epoch("2026-11-27T02:00:00Z")) == "2026-11-27T02:00:00Z")
        #expect(shown("Europe/Berlin").date(epoch("2026-11-26T23:30:00Z")) == "2026-11-27")
        #expect(shown("America/New_York").date(epoch("2026-11-27T03:00:00Z")) == "2026-11-26")
    }

    func job(_ scratch: Scratch, zone: String) throws -> Job {
        scratch.write("templates/zoned.subject", "{{title}} at {{now}}", age: 0)
        scratch.write("templates/zoned.txt", "suspended until {{penalty_until}}\n", age: 0)
        return try scratch.job("""
        { state: "state", timezone: "\(zone)", templates: "templates", inputs: { cdrs: { path: "drop" } },
          email: { url: "smtp://h:25", from: "noc@example.com" },
          report: { to: ["noc@example.com"], subject: "Nightly {{date}}" },
          alerts: [ { title: "Calls", company: "C1", to: ["noc@example.com"], area: "attempts", operator: ">", threshold: 0,
                      sample_period: "1h", penalty: "2h", template: "zoned" } ] }
        """)
    }

    /// 23:30 UTC on the 26th is 00:30 on the 27th in Berlin: the message, its penalty time,
    /// the nightly subject's date, the dry-run preview and `klaxon status` all say so.
    @Test func messagesSubjectsStatusAndPreviewShowTheJobsZone() throws {
        let scratch = Scratch()
        let job = try job(scratch, zone: "Europe/Berlin")
        // The first call an hour earlier, so that the history covers the 1h window.
        scratch.write("drop/1.csv", cdrHeader + "2026-11-26 22:10:00,a,C1,P1,1,10,200,,0,0\n2026-11-26 23:10:00,b,C1,P1,1,10,200,,0,0\n")
        let now = at("2026-11-26T23:30:00Z")
        let dry = try Runner(job: job, options: RunOptions(now: now, dryRun: true, deliverTo: nil)).run()
        #expect(dry.now == "2026-11-26T23:30:00Z", "the JSON run report stays UTC")
        #expect(RunSummary.text(dry, shown: job.shownTime).hasPrefix("DRY RUN job at 2026-11-27T00:30:00+01:00"))
        let preview = (dry.previews ?? []).joined(separator: "\n")
        #expect(preview.contains("Subject: Calls at 2026-11-27T00:30:00+01:00"), "\(preview)")
        #expect(preview.contains("suspended until 2026-11-27T02:30:00+01:00"), "\(preview)")

        let report = try Runner(job: job, options: RunOptions(now: now, dryRun: false, deliverTo: scratch.url("out"))).run()
        #expect(report.notifications.contains { $0.subject == "Nightly 2026-11-27" }, "\(report.notifications.map(\.subject))")
        let state = try StateStore(directory: job.stateDirectory).loadCurrent()
        let status = StatusReport.text(job: job, state: state)
        #expect(status.contains("last run 2026-11-27T00:30:00+01:00"), "\(status)")
        #expect(status.contains("until 2026-11-27T02:30:00+01:00"), "\(status)")
        let markdown = MetricsReport(job: job, state: state, now: epoch("2026-11-26T23:30:00Z")).render(.md)
        #expect(markdown.contains("at 2026-11-27T00:30:00+01:00"))
        // Machine outputs: the penalties log and the CSV report keep UTC.
        let csv = MetricsReport(job: job, state: state, now: epoch("2026-11-26T23:30:00Z")).render(.csv)
        #expect(csv.contains("2026-11-27T01:30:00Z"), "\(csv)")
        #expect(state.meta.penalties["C1"]?.until == epoch("2026-11-27T01:30:00Z"))
    }

    /// The same run in New York is still the 26th.
    @Test func theNightlySubjectDateIsTheZonesDate() throws {
        let scratch = Scratch()
        let job = try job(scratch, zone: "America/New_York")
        var state = KlaxonState()
        state.meta.lastRun = epoch("2026-11-26T23:30:00Z")
        let item = try #require(ReportMail(job: job, now: epoch("2026-11-26T23:30:00Z")).item(state: state))
        #expect(item.subject == "Nightly 2026-11-26")
    }
}
