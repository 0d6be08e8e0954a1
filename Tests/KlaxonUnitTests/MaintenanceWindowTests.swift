import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct MaintenanceWindowTests {
    func window(_ days: [String], _ from: String, _ to: String, zone: String = "Europe/London") -> MaintenanceWindow {
        func minutes(_ hhmm: String) -> Int {
            let p = hhmm.split(separator: ":").compactMap { Int($0) }
            return p[0] * 60 + p[1]
        }
        return MaintenanceWindow(name: "w", alerts: [], companies: [], tags: [],
                                 hours: HoursOfWeek(days: Set(days.compactMap { HoursOfWeek.dayNames.firstIndex(of: $0).map { $0 + 1 } }),
                                                    from: minutes(from), to: minutes(to), timeZone: TimeZone(identifier: zone) ?? .gmt))
    }

    func at(_ text: String) -> Int64 { Int64(ISO8601Parsing.date(text)?.timeIntervalSince1970 ?? -1) }

    @Test func aWindowWithinADayOpensAtFromAndClosesAtTo() {
        let w = window(["fri"], "09:00", "17:00", zone: "UTC")
        // 2026-11-27 is a Friday.
        #expect(!w.isActive(at: at("2026-11-27T08:59:00Z")))
        #expect(w.isActive(at: at("2026-11-27T09:00:00Z")))
        #expect(w.isActive(at: at("2026-11-27T16:59:00Z")))
        #expect(!w.isActive(at: at("2026-11-27T17:00:00Z")))
        #expect(!w.isActive(at: at("2026-11-28T10:00:00Z")), "Saturday is not listed")
    }

    @Test func toBeforeFromSpansMidnightAndBelongsToTheDayItStarts() {
        let w = window(["sat"], "22:00", "02:00", zone: "UTC")
        #expect(w.isActive(at: at("2026-11-28T23:00:00Z")), "Saturday 23:00")
        #expect(w.isActive(at: at("2026-11-29T01:59:00Z")), "Sunday 01:59, Saturday's window")
        #expect(!w.isActive(at: at("2026-11-29T02:00:00Z")))
        #expect(!w.isActive(at: at("2026-11-29T22:30:00Z")), "Sunday night is not listed")
        #expect(!w.isActive(at: at("2026-11-28T01:00:00Z")), "early Saturday is Friday's window, not listed")
    }

    @Test func theEndOfTheDayIsWrittenAs2400() {
        let w = window(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "00:00", "24:00", zone: "UTC")
        #expect(w.isActive(at: at("2026-11-27T00:00:00Z")))
        #expect(w.isActive(at: at("2026-11-27T23:59:59Z")))
    }

    @Test func theHoursAreLondonsWallClockInWinterAndInSummer() {
        let w = window(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "02:00", "03:00")
        // January: London is on GMT, the window is 02:00–03:00 UTC.
        #expect(w.isActive(at: at("2026-01-15T02:30:00Z")))
        #expect(!w.isActive(at: at("2026-01-15T01:30:00Z")))
        // July: British Summer Time, UTC+1, the window is 01:00–02:00 UTC.
        #expect(w.isActive(at: at("2026-07-15T01:30:00Z")))
        #expect(!w.isActive(at: at("2026-07-15T02:30:00Z")))
    }

    @Test func onTheNightTheClocksGoForwardTheMissingHourIsSkipped() {
        // 2026-03-29: at 01:00 UTC London jumps from 01:00 GMT to 02:00 BST; 01:30 local never happens.
        let w = window(["sun"], "01:30", "02:30")
        #expect(!w.isActive(at: at("2026-03-29T00:59:00Z")), "00:59 GMT")
        #expect(w.isActive(at: at("2026-03-29T01:00:00Z")), "02:00 BST, the first minute after 01:30 that exists")
        #expect(w.isActive(at: at("2026-03-29T01:29:00Z")), "02:29 BST")
        #expect(!w.isActive(at: at("2026-03-29T01:30:00Z")), "02:30 BST")
    }

    @Test func onTheNightTheClocksGoBackTheRepeatedHourIsInTheWindowTwice() {
        // 2026-10-25: at 01:00 UTC London goes back from 02:00 BST to 01:00 GMT; 01:15–01:45 local happens twice.
        let w = window(["sun"], "01:15", "01:45")
        #expect(w.isActive(at: at("2026-10-25T00:20:00Z")), "01:20 BST")
        #expect(!w.isActive(at: at("2026-10-25T00:50:00Z")), "01:50 BST")
        #expect(w.isActive(at: at("2026-10-25T01:20:00Z")), "01:20 GMT, the second time round")
        #expect(!w.isActive(at: at("2026-10-25T01:50:00Z")), "01:50 GMT")
    }

    @Test func aWindowMatchesItsAlertsAndItsCompaniesOrTags() {
        var w = window(["sun"], "01:00", "02:00")
        w.alerts = ["Low ASR"]
        w.companies = ["C1"]
        w.tags = ["wholesale"]
        var tagged = Company(id: "C9")
        tagged.tags = ["wholesale"]
        #expect(w.matches(alert: "Low ASR", company: Company(id: "C1")))
        #expect(w.matches(alert: "Low ASR", company: tagged))
        #expect(!w.matches(alert: "Low ASR", company: Company(id: "C2")))
        #expect(!w.matches(alert: "Low Balance", company: Company(id: "C1")))
        w.companies = []
        w.tags = []
        #expect(w.matches(alert: "Low ASR", company: Company(id: "C2")), "no companies and no tags: every company")
    }

    @Test func checkNamesEveryBadFieldOfAWindow() throws {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "st", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          maintenance: [ { name: "nightly", alerts: ["Low Balanse"], days: ["sat", "sunday"], from: "25:00", to: "7", timezone: "Europe/Londres" },
                         { from: "01:00", to: "01:00", colour: "red" } ],
          alerts: [ { title: "Low Balance", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5,
                      escalate: [ { after: "soon", to: ["boss"] }, { after: "2h" }, { after: "1h", to: ["+447700900123"] } ] } ] }
        """)
        let problems = JobLoader.load(scratch.url("job.json5")).failureProblems.map(\.description)
        for expected in [
            "maintenance[0] (\"nightly\").alerts[0]: unknown alert \"Low Balanse\"; did you mean Low Balance?",
            "maintenance[0] (\"nightly\").days[1]: unknown day \"sunday\"",
            "maintenance[0] (\"nightly\").from: malformed time \"25:00\"",
            "maintenance[0] (\"nightly\").to: malformed time \"7\"",
            "maintenance[0] (\"nightly\").timezone: unknown time zone \"Europe/Londres\"",
            "maintenance[1].name: is required",
            "maintenance[1].to: equals `from`",
            "maintenance[1].colour: unknown field",
            "alert \"Low Balance\": escalate[0].after: malformed duration \"soon\"",
            "alert \"Low Balance\": escalate[0].to[0]: malformed address \"boss\"",
            "alert \"Low Balance\": escalate[1].to: is required",
            "alert \"Low Balance\": escalate[2].to: sends SMS, but the job has no `sms` settings",
        ] {
            #expect(problems.contains { $0.contains(expected) }, "missing: \(expected)\n\(problems.joined(separator: "\n"))")
        }
    }

    @Test func aValidWindowAndEscalationLoad() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "st", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          maintenance: [ { name: "upgrade", days: ["sat"], from: "23:00", to: "01:00", timezone: "Europe/London", tags: ["wholesale"] } ],
          alerts: [ { title: "Low Balance", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 5,
                      escalate: [ { after: "2h", to: ["boss@example.com", "contacts"] } ] } ] }
        """)
        #expect(job.maintenance.first?.hours.days == [6])
        #expect(job.maintenance.first?.hours.from == 23 * 60)
        #expect(job.maintenance.first?.hours.timeZone.identifier == "Europe/London")
        #expect(job.alerts.first?.escalations.first?.after.seconds == 7_200)
        #expect(job.alerts.first?.escalations.first?.to == [.email("boss@example.com"), .contacts])
    }
}

extension Result where Failure == KlaxonError {
    var failureProblems: [Problem] {
        if case .failure(let e) = self { return e.problems }
        return []
    }
}
