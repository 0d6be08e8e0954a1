import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Destinations, fraud rules and baselines"'s job fields and rules: the prefix table, the new alert fields and
/// their checks, levels, active hours, and the state part they add.
@Suite struct FraudRuleTests {
    static let mail = #"email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" }"#

    func problems(_ job: String, table: String? = "prefix,name,group\n53,Cuba,high_risk\n44,United Kingdom,\n") -> [String] {
        let scratch = Scratch()
        if let table { scratch.write("prefixes.csv", table) }
        scratch.write("job.json5", job)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else { return [] }
        return error.problems.map(\.description)
    }

    @Test func theShippedTableLoadsAndMatchesTheLongestPrefixAfterPlusOrDoubleZero() throws {
        var diagnostics = Diagnostics()
        var r = ObjectReader(["destinations": .object(["file": .string("prefixes.csv")])], file: "job")
        let table = try #require(DestinationsParser.parse(&r, resolve: { Repository.path("fixtures/destinations/" + $0) }, diagnostics: &diagnostics))
        #expect(diagnostics.isEmpty, "\(diagnostics.problems)")
        #expect(table.prefixCount > 250)
        func name(_ number: String) -> String {
            Array(number.utf8).withUnsafeBufferPointer { table.match($0).map { table.names[Int($0)] } ?? "other" }
        }
        #expect(name("5351234567") == "Cuba Mobile")
        #expect(name("+5371234567") == "Cuba")
        #expect(name("005371234567") == "Cuba")
        #expect(name("18765550100") == "Jamaica")
        #expect(name("+12125550100") == "United States and Canada")
        #expect(name("0 800") == "other")
        #expect(name("") == "other")
        #expect(table.resolve("group:high_risk")?.count ?? 0 >= 40)
        #expect(table.resolve("+53").map { $0.map { table.names[Int($0)] } } == ["Cuba"])
    }

    /// Found by review: a calendar day changes length through the day, its baseline samples do not.
    @Test func aBaselineOnACalendarDayAndACallAreaOnBucketFilesAreRefused() {
        let baseline = problems("""
        { state: "st", \(Self.mail),
          alerts: [ { title: "Spend today", scope: { type: "customer" }, to: ["noc@example.com"], area: "spend", operator: ">",
                      threshold: 5, sample_period: "today", baseline: { of: "hour", weeks: 1 } } ] }
        """)
        #expect(baseline.contains { $0.contains("sample_period: a baseline compares windows of one length") }, "\(baseline)")
        let buckets = problems("""
        { state: "st", \(Self.mail), inputs: { cdrs: { path: "drop", format: "buckets" } },
          alerts: [ { title: "Long calls", scope: { type: "customer" }, to: ["noc@example.com"], area: "max_duration", operator: ">",
                      threshold: 7200, sample_period: "1h" } ] }
        """)
        #expect(buckets.contains { $0.contains("a buckets input holds per-minute sums") }, "\(buckets)")
    }

    @Test func theExampleFraudJobLoads() throws {
        let job = try JobLoader.load(Repository.path("jobs/example-fraud.json5")).get()
        #expect(job.alerts.count == 5 && job.destinations?.prefixCount ?? 0 > 250)
        #expect(job.alerts.first?.fraud.levels == Levels(warning: 10, critical: 30))
        #expect(job.alerts.first?.fraud.active != nil && job.alerts.last?.fraud.baseline?.weeks == 4)
    }

    @Test func checkNamesEveryBadTableRowByFileAndLine() {
        let job = "{ state: \"st\", destinations: { file: \"prefixes.csv\" }, alerts: [] }"
        let found = problems(job, table: "prefix,name,group\n53,Cuba\n5x,Bad\n53,Again\n44\n,Empty\n7,other\n54,Cuba,high_risk\n")
        #expect(found.contains { $0.contains("prefixes.csv:3: prefix \"5x\" is not a number") }, "\(found)")
        #expect(found.contains { $0.contains("prefixes.csv:4: prefix 53 is listed twice (first as Cuba)") })
        #expect(found.contains { $0.contains("prefixes.csv:5: expected prefix,name") })
        #expect(found.contains { $0.contains("prefixes.csv:6: prefix \"\" is not a number") })
        #expect(found.contains { $0.contains("prefixes.csv:7: \"other\" is the name of every unmatched number") })
        #expect(found.contains { $0.contains("prefixes.csv:8: destination \"Cuba\" is in group") })
        #expect(problems("{ state: \"st\", destinations: { file: \"missing.csv\" }, alerts: [] }", table: nil).contains { $0.contains("missing.csv: no such file") })
        // A spreadsheet's CRLF export reads as its LF twin, line numbers included.
        #expect(problems(job, table: "prefix,name\r\n53,Cuba\r\n44,UK\r\n").isEmpty)
        #expect(problems(job, table: "prefix,name\r\n53,Cuba\r\n4x,UK\r\n").contains { $0.contains("prefixes.csv:3: prefix \"4x\"") })
    }

    @Test func checkRefusesBadFraudFieldsNamingTheAlertAndField() {
        let found = problems("""
        { state: "st", \(Self.mail), destinations: { file: "prefixes.csv" }, alerts: [
          { title: "Filter", company: "C1", to: ["a@example.com"], by: "destination", destinations: ["group:nope", "Atlantis", "53"],
            area: "attempts", operator: ">", threshold: 5, sample_period: "1h" },
          { title: "By", company: "C1", to: ["a@example.com"], by: "prefix", area: "attempts", operator: ">", threshold: 5, sample_period: "1h" },
          { title: "Snapshot", company: "C1", to: ["a@example.com"], by: "destination", area: "balance", operator: "<", threshold: 5 },
          { title: "Levels", company: "C1", to: ["a@example.com"], area: "attempts", operator: ">", levels: { warning: 10, critical: 5 }, sample_period: "1h" },
          { title: "Both", company: "C1", to: ["a@example.com"], area: "attempts", operator: ">", threshold: 3, levels: { warning: 10, critical: 50 }, sample_period: "1h" },
          { title: "Active", company: "C1", to: ["a@example.com"], area: "attempts", operator: ">", threshold: 3, sample_period: "1h",
            active: { days: ["mon", "funday"], from: "25:00", to: "06:00", timezone: "Mars/Olympus" } },
          { title: "Filter alone", company: "C1", to: ["a@example.com"], destinations: ["53"], area: "attempts", operator: ">", threshold: 5, sample_period: "1h" },
        ] }
        """)
        let expected = [
            "alert \"Filter\": destinations[0]: \"group:nope\" is no group",
            "alert \"Filter\": destinations[1]: \"Atlantis\" is no group",
            "alert \"By\": by: unknown value \"prefix\"",
            "alert \"Snapshot\": by: area balance has no value per destination",
            "alert \"Levels\": levels: critical 5.0 is below warning 10.0",
            "alert \"Both\": threshold: not with levels",
            "alert \"Active\": active.days[1]: unknown day \"funday\"",
            "alert \"Active\": active.from: malformed time \"25:00\"",
            "alert \"Active\": active.timezone: unknown time zone \"Mars/Olympus\"",
            "alert \"Filter alone\": destinations: filters destinations, so it needs by: \"destination\"",
        ]
        for text in expected { #expect(found.contains { $0.contains(text) }, "missing: \(text) in \(found)") }
        #expect(!found.contains { $0.contains("\"53\"") }, "a prefix is a valid filter entry")
        let noTable = problems("""
        { state: "st", \(Self.mail), alerts: [ { title: "T", company: "C1", to: ["a@example.com"], by: "destination",
          area: "attempts", operator: ">", threshold: 5, sample_period: "1h" } ] }
        """, table: nil)
        #expect(noTable.contains { $0.contains("alert \"T\": by: by: \"destination\" needs the job's destinations table") }, "\(noTable)")
    }

    func levelsAlert(_ op: Comparison = .greaterThan, warning: Double = 10, critical: Double = 50, reset: Double? = 8) -> AlertDefinition {
        var alert = AlertDefinition(title: "L", file: "job", scope: .company("C"), recipients: [], area: .attempts, comparison: op,
                                    threshold: warning, resetThreshold: reset, samplePeriod: TimeSpan(seconds: 3600), minCalls: 10,
                                    penalty: nil, template: "alert", repeatEvery: nil, level: .none, sendReset: true, script: nil)
        alert.fraud.levels = Levels(warning: warning, critical: critical)
        return alert
    }

    @Test func aWarningRisesToCriticalOnceStaysCriticalThroughADipAndResetsWithHysteresis() {
        let alert = levelsAlert()
        var instance = AlertInstance(alert: "L", company: "C")
        var level: AlertLevel?
        var seen: [String] = []
        for value in [5.0, 12, 30, 60, 70, 30, 9, 7, 60] {
            let d = LevelMachine.step(&instance, level: &level, alert: alert, observation: StateMachine.observe(.value(value), alert: alert),
                                      now: 0, interval: TimeSpan(seconds: 3600))
            seen.append("\(d.rawValue):\(level?.rawValue ?? "-")")
        }
        #expect(seen == ["ok:-", "fired:warning", "held:warning", "fired:critical", "held:critical", "held:critical",
                         "held:critical", "reset:-", "fired:critical"])
    }

    @Test func levelsWorkDownwardsForLowerIsWorseAreas() {
        let alert = levelsAlert(.lessThan, warning: 100, critical: 10, reset: 120)
        var instance = AlertInstance(alert: "L", company: "C")
        var level: AlertLevel?
        var seen: [String] = []
        for value in [150.0, 90, 5, 110, 130] {
            let d = LevelMachine.step(&instance, level: &level, alert: alert, observation: StateMachine.observe(.value(value), alert: alert),
                                      now: 0, interval: TimeSpan(seconds: 3600))
            seen.append("\(d.rawValue):\(level?.rawValue ?? "-")")
        }
        #expect(seen == ["ok:-", "fired:warning", "fired:critical", "held:critical", "reset:-"])
    }

    @Test func theMessageSaysTheLevelAndSeverityWithoutChangingPlainAlerts() {
        let company = Company(id: "C")
        let event = AlertEvent(alert: levelsAlert(), company: company, kind: .fired, value: 60, message: nil, window: nil,
                               penaltyUntil: nil, now: 0, destination: "Cuba", level: .critical)
        guard case .object(let context) = MessageContext.make(event, brand: "") else { Issue.record("not an object"); return }
        #expect(context["level"] == .string("critical") && context["severity"] == .string("critical"))
        #expect(context["destination"] == .string("Cuba"))
        var plain = levelsAlert()
        plain.fraud.levels = nil
        plain.level = .error
        guard case .object(let old) = MessageContext.make(AlertEvent(alert: plain, company: company, kind: .fired, value: 60, message: nil,
                                                                     window: nil, penaltyUntil: nil, now: 0), brand: "") else { return }
        #expect(old["level"] == .string("error") && old["severity"] == .string("critical") && old["destination"] == .null)
    }

    @Test func aBaselineMessageSaysTheValueTheBaselineAndTheRatio() throws {
        var alert = levelsAlert()
        alert.fraud.levels = nil
        alert.area = .spend
        alert.threshold = 5
        alert.fraud.baseline = Baseline(of: .sameHour, weeks: 4, stat: .median)
        var event = AlertEvent(alert: alert, company: Company(id: "C", currency: "EUR"), kind: .fired, value: 412, message: nil,
                               window: nil, penaltyUntil: nil, now: 0)
        event.baseline = 38
        event.ratio = 412.0 / 38
        let template = try Template(source: "{{value}}/h against a baseline of {{baseline}}, ×{{ratio}} (over {{threshold}})", name: "t")
        #expect(template.render(MessageContext.make(event, brand: ""), escapeHTML: false) == "412.00 EUR/h against a baseline of 38.00 EUR, ×10.8 (over 5)")
    }

    @Test func baselineStatistics() {
        let median = Baseline(of: .sameHour, weeks: 4, stat: .median)
        #expect(median.statistic([38, 412, 38, 40]) == 39)
        #expect(median.statistic([5, 1, 3]) == 3)
        #expect(Baseline(of: .hour, weeks: 1, stat: .mean).statistic([1, 2, 6]) == 3)
        #expect(Baseline(of: .hour, weeks: 2, stat: .mean).shifts.count == 48)
        #expect(median.shifts == [1, 2, 3, 4].map { Int64($0) * 604_800 })
    }

    @Test func activeHoursFollowTheZoneThroughDaylightSavingAndSpanMidnight() throws {
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        // Weekdays 22:00–06:00 London time: Friday 22:00 runs into Saturday morning.
        let nights = HoursOfWeek(days: [1, 2, 3, 4, 5], from: 22 * 60, to: 6 * 60, timeZone: zone)
        #expect(nights.contains(epoch("2026-07-03T21:30:00Z")))   // Fri 22:30 BST
        #expect(!nights.contains(epoch("2026-07-03T20:30:00Z")))  // Fri 21:30 BST
        #expect(nights.contains(epoch("2026-07-04T04:59:00Z")))   // Sat 05:59 BST, Friday's night
        #expect(!nights.contains(epoch("2026-07-04T05:00:00Z")))  // Sat 06:00 BST
        #expect(!nights.contains(epoch("2026-07-04T21:30:00Z")))  // Sat 22:30: not a listed day
        #expect(nights.contains(epoch("2026-01-05T22:30:00Z")))   // Mon 22:30 GMT
        #expect(nights.contains(epoch("2026-07-06T21:00:00Z")))  // Mon 22:00 BST is 21:00 UTC
        // The night the clocks go back (25 October 2026): 01:30 happens twice and both are inside.
        let sunday = HoursOfWeek(days: [7], from: 0, to: 3 * 60, timeZone: zone)
        #expect(sunday.contains(epoch("2026-10-25T00:30:00Z")) && sunday.contains(epoch("2026-10-25T01:30:00Z")))
        #expect(!sunday.contains(epoch("2026-10-25T03:00:00Z")))
    }

    @Test func statusNamesTheDestinationAndTheLevel() throws {
        let job = try Scratch().job("{ state: \"st\", alerts: [] }")
        var state = KlaxonState()
        var instance = AlertInstance(alert: "P", company: "C1")
        instance.status = .triggered
        state.meta.instances["P\u{1F}C1\u{1F}Cuba"] = instance
        state.meta.fraud = FraudState()
        state.meta.fraud?.levels["P\u{1F}C1\u{1F}Cuba"] = .critical
        #expect(StatusReport.text(job: job, state: state).contains("  P / C1 / Cuba (critical): since"))
    }

    @Test func theCallLogIsKeptForTheLongestWindowOfTheAlertsThatReadIt() throws {
        let job = try Scratch().job("""
        { state: "st", alerts: [
          { title: "Seq", scope: { type: "any" }, to: [], area: "sequential_calls", operator: ">", threshold: 9, sample_period: "1h" },
          { title: "Spend", scope: { type: "any" }, to: [], area: "spend", operator: ">", threshold: 9, sample_period: "24h" } ] }
        """)
        let now = epoch("2026-11-27T12:00:00Z")
        var state = KlaxonState()
        var log = CallLog(watch: "*", since: nil)
        let call = { (t: Int64) in LoggedCall(CallRecord(time: t, durationSeconds: 1, sipCode: 200, pddMilliseconds: nil,
                                                         customerCharge: 0, providerCharge: 0), number: 1, destination: -1) }
        log.append([call(now - 3_601), call(now - 3_600), call(now - 60)], company: "C1")
        state.meta.fraud = FraudState()
        state.meta.fraud?.log = log
        state.rollUpAndPrune(before: Int32((now - 86_400) / 60), job: job, now: now)
        #expect(state.meta.fraud?.log?.calls["C1"]?.map(\.time) == [now - 3_600, now - 60])
    }

    /// Found by review: a widened baseline scope read the new companies' unkept hours as zero.
    @Test func wideningABaselinesScopeStartsItsHistoryAgain() throws {
        func job(_ scope: String) throws -> Job {
            try Scratch().job("""
            { state: "st", alerts: [ { title: "Spend", scope: \(scope), to: [], area: "spend", operator: ">", threshold: 3,
                                       sample_period: "1h", baseline: { of: "hour", weeks: 1 } } ] }
            """)
        }
        let now = epoch("2026-11-27T12:00:00Z")
        var state = KlaxonState()
        state.meta.coveredSince = Int32((now - 7_200) / 60)
        state.rollUpAndPrune(before: Int32((now - 86_400) / 60), job: try job(#"{ type: "customer", tag: "prepaid" }"#), now: now)
        let first = try #require(state.meta.fraud?.hourlySince)
        state.meta.coveredSince = Int32((now - 3_600) / 60)
        state.rollUpAndPrune(before: Int32((now - 86_400) / 60), job: try job(#"{ type: "customer", tag: "prepaid" }"#), now: now)
        #expect(state.meta.fraud?.hourlySince == first, "the same scope keeps its history")
        state.rollUpAndPrune(before: Int32((now - 86_400) / 60), job: try job(#"{ type: "customer" }"#), now: now)
        #expect(state.meta.fraud?.hourlySince == Int32((now - 3_600) / 60), "a wider scope starts where the buckets reach")
    }

    @Test func aStateFromBeforeLoadsAndTheFraudPartRoundTrips() throws {
        var state = KlaxonState()
        state.meta.lastRun = 100
        let old = try StateFile.decode(StateFile.encode(state))
        #expect(old.meta.fraud == nil && old == state)
        var log = CallLog(watch: "*", since: 5)
        _ = log.nameIndex("Cuba")
        let call = CallRecord(time: 1_800_000_000, durationSeconds: 42, sipCode: 200, pddMilliseconds: nil, customerCharge: -3, providerCharge: 7)
        log.append([LoggedCall(call, number: 99, destination: 0), LoggedCall(call, number: 1, destination: -1)], company: "C1")
        state.meta.fraud = FraudState()
        state.meta.fraud?.log = log
        state.meta.fraud?.levels["L\u{1F}C1\u{1F}Cuba"] = .critical
        let back = try StateFile.decode(StateFile.encode(state))
        #expect(back == state)
        #expect(back.meta.fraud?.log?.calls["C1"]?.first?.record == call)
    }
}
