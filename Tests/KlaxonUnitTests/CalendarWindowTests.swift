import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `sample_period: "today"` and `"yesterday"` (behaviour.md "The operator's time and trends") across both daylight-saving
/// changes of two zones, against a plain reference: each call's own local date,
/// worked out call by call with the calendar, compared with the window end's.
@Suite struct CalendarWindowTests {
    /// The spring and autumn changes of 2026: Berlin on 29 March and 25 October,
    /// New York on 8 March and 1 November.
    static let cases: [(zone: String, changes: [String])] = [
        ("Europe/Berlin", ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]),
        ("America/New_York", ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"]),
    ]

    /// Calls of C1 at random seconds over four days around `change`, each counted in a
    /// bucket as the ingest would (its minute).
    func state(around change: Int64, seed: UInt64) -> (KlaxonState, [Int64]) {
        var random = SplitMix64(seed: seed)
        let times = (0..<4_000).map { _ in change - 2 * 86_400 + Int64(random.next() % (4 * 86_400)) }
        var buckets = CompanyBuckets()
        for t in times.sorted() {
            buckets.add(CallRecord(time: t, durationSeconds: 0, sipCode: 503, pddMilliseconds: nil, customerCharge: 0, providerCharge: 0),
                        minute: Int32(floorDiv(t, 60)))
        }
        var state = KlaxonState()
        state.buckets["C1"] = buckets
        return (state, times)
    }

    /// The reference: a call is in today when it falls on the window end's local date
    /// before the end, in yesterday when it falls on the date before that.
    func reference(_ times: [Int64], windowEnd: Int64, zone: TimeZone) -> (today: Int, yesterday: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let end = Date(timeIntervalSince1970: TimeInterval(windowEnd * 60))
        let endDay = calendar.dateComponents([.year, .month, .day], from: end)
        guard let dayBefore = calendar.date(byAdding: .day, value: -1, to: calendar.date(from: endDay) ?? end) else { return (0, 0) }
        let previousDay = calendar.dateComponents([.year, .month, .day], from: dayBefore)
        var today = 0, yesterday = 0
        for t in times {
            let day = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(t)))
            if day == endDay, t < windowEnd * 60 { today += 1 }
            if day == previousDay { yesterday += 1 }
        }
        return (today, yesterday)
    }

    @Test(arguments: cases)
    func calendarWindowsMatchThePerCallReferenceAcrossBothChanges(zoneName: String, changes: [String]) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        for (n, change) in changes.map(epoch).enumerated() {
            let (state, times) = state(around: change, seed: UInt64(n + 1) * 7_919)
            // Every 25 minutes (and some odd minutes) from a day before the change to a day after.
            for offset in stride(from: Int64(-86_400), through: 2 * 86_400, by: 1_500) {
                let windowEnd = floorDiv(change + offset + (offset % 7) * 60, 60)
                let expected = reference(times, windowEnd: windowEnd, zone: zone)
                let today = state.window(of: "C1", bounds: WindowPeriod.calendar(.today).bounds(windowEnd: windowEnd, zone: zone))
                let yesterday = state.window(of: "C1", bounds: WindowPeriod.calendar(.yesterday).bounds(windowEnd: windowEnd, zone: zone))
                #expect(Int(today.attempts) == expected.today, "\(zoneName) today at minute \(windowEnd)")
                #expect(Int(yesterday.attempts) == expected.yesterday, "\(zoneName) yesterday at minute \(windowEnd)")
            }
        }
    }

    @Test func theDayOfAChangeLasts23Or25Hours() {
        func hours(_ zone: String, runAt iso: String) -> Int64 {
            let bounds = WindowPeriod.calendar(.yesterday).bounds(windowEnd: floorDiv(epoch(iso), 60), zone: TimeZone(identifier: zone) ?? .gmt)
            return (bounds.to - bounds.from) / 60
        }
        #expect(hours("Europe/Berlin", runAt: "2026-03-30T01:00:00Z") == 23)
        #expect(hours("Europe/Berlin", runAt: "2026-10-26T01:00:00Z") == 25)
        #expect(hours("Europe/Berlin", runAt: "2026-11-27T02:00:00Z") == 24)
        #expect(hours("America/New_York", runAt: "2026-03-09T12:00:00Z") == 23)
        #expect(hours("America/New_York", runAt: "2026-11-02T12:00:00Z") == 25)
        // Yesterday of a window ending at local midnight is the day that just ended.
        let midnight = WindowPeriod.calendar(.yesterday).bounds(windowEnd: floorDiv(epoch("2026-11-26T23:00:00Z"), 60), zone: TimeZone(identifier: "Europe/Berlin") ?? .gmt)
        #expect(midnight.from * 60 == epoch("2026-11-25T23:00:00Z") && midnight.to * 60 == epoch("2026-11-26T23:00:00Z"))
    }

    @Test func yesterdayIsInsufficientUntilTheHistoryReachesItsLocalMidnight() throws {
        var state = KlaxonState()
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        let windowEnd = floorDiv(epoch("2026-11-27T02:00:00Z"), 60)
        let bounds = WindowPeriod.calendar(.yesterday).bounds(windowEnd: windowEnd, zone: zone)
        // History from 00:00 UTC on the 26th: Berlin's 26th began an hour earlier.
        state.meta.coveredSince = Int32(floorDiv(epoch("2026-11-26T00:00:00Z"), 60))
        let short = state.coverage(of: .calendar(.yesterday), bounds: bounds)
        #expect(!short.isComplete && short.coveredSeconds == 23 * 3_600 && short.lengthSeconds == 24 * 3_600)
        #expect(short.description(shown: ShownTime(zone: zone)) == "23h of yesterday (history from 2026-11-26T01:00:00+01:00)")
        state.meta.coveredSince = Int32(floorDiv(epoch("2026-11-25T23:00:00Z"), 60))
        #expect(state.coverage(of: .calendar(.yesterday), bounds: bounds).isComplete)
    }

    /// The whole run: the job's zone decides the window, the value is yesterday's
    /// calls in Berlin, the history is kept for it, and a run without it says insufficient data.
    @Test func aRunEvaluatesYesterdayInTheJobsZoneAndKeepsItsHistory() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", timezone: "Europe/Berlin", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Yesterday", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "always", sample_period: "yesterday" },
                    { title: "Today", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "always", sample_period: "today" } ] }
        """)
        #expect(job.longestWindow.seconds == 49 * 3_600, "the state keeps two local days")
        // 22:30Z on the 25th is the 25th in UTC but the 26th in Berlin; 23:30Z on the 26th is the 27th.
        let stamps = ["2026-11-25 22:30:00", "2026-11-25 23:30:00", "2026-11-26 12:00:00", "2026-11-26 22:59:00", "2026-11-26 23:30:00", "2026-11-27 00:10:00"]
        scratch.write("drop/1.csv", cdrHeader + stamps.enumerated().map { "\($1),id\($0),C1,P1,1,0,503,,0,0\n" }.joined())
        let report = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), dryRun: false, deliverTo: nil)).run()
        #expect(report.decisions.first { $0.alert == "Yesterday" }?.value == 3)
        #expect(report.decisions.first { $0.alert == "Today" }?.value == 2)
        let state = try StateStore(directory: job.stateDirectory).loadCurrent()
        #expect(state.buckets["C1"]?.firstMinute == Int32(floorDiv(epoch("2026-11-25T22:30:00Z"), 60)), "nothing of the two days is pruned")
        let markdown = MetricsReport(job: job, state: state, now: epoch("2026-11-27T01:00:00Z")).render(.md)
        #expect(markdown.contains("## Traffic yesterday (2026-11-26)"))
        #expect(markdown.contains("## Traffic today (since 2026-11-27T00:00:00+01:00)"))
    }

    @Test func checkNamesAnUnknownZoneAndAMistypedCalendarDay() {
        let scratch = Scratch()
        scratch.write("job.json5", """
        { state: "state", timezone: "Europe/Berlln", email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "A", company: "C1", to: ["noc@example.com"], area: "attempts", operator: "<", threshold: 1, sample_period: "yesterdy" } ] }
        """, age: 0)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("the job loaded")
            return
        }
        let text = error.problems.map(\.description).joined(separator: "\n")
        #expect(text.contains("timezone: unknown time zone \"Europe/Berlln\"; did you mean Europe/Berlin?"), "\(text)")
        #expect(text.contains("sample_period: malformed duration \"yesterdy\"; did you mean \"yesterday\"?"), "\(text)")
    }
}
