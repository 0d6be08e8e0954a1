import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The evaluator against `ReferenceEvaluator`, the plain computation it
/// replaced, over random companies, buckets, balances, silences and runs an
/// hour or half an hour apart: the same decisions, events, penalties and drops,
/// and the same state after every run.
@Suite("Evaluator differential")
struct EvaluatorDifferentialTests {
    static let alerts = """
        { title: "Low Balance", scope: { type: "customer", tag: "prepaid" }, to: ["noc@example.com"], area: "balance",
          operator: "<", threshold: 10, reset_threshold: 20, repeat: "2h", send_reset: true },
        { title: "Low ASR", scope: { type: "customer", tag: "wholesale" }, to: ["noc@example.com"], area: "asr",
          operator: "<=", threshold: 40, reset_threshold: 45, sample_period: "1h", min_calls: 5, penalty: "1h",
          escalate: [ { after: "2h", to: ["boss@example.com"] } ] },
        { title: "Spend 24h", scope: { type: "customer", tag: "wholesale" }, to: ["noc@example.com"], area: "spend",
          operator: ">", threshold: 30, sample_period: "24h", send_reset: true },
        { title: "Carrier ASR", scope: { type: "carrier" }, to: ["noc@example.com"], area: "asr", operator: "<",
          threshold: 35, reset_threshold: 40, sample_period: "1h", min_calls: 5, repeat: "1h" },
        { title: "Carrier ACD", scope: { type: "carrier" }, to: ["noc@example.com"], area: "acd", operator: "<",
          threshold: 60, sample_period: "24h" },
        { title: "Calls today", scope: { type: "any" }, to: ["noc@example.com"], area: "attempts", operator: ">",
          threshold: 150, sample_period: "today" },
        { title: "Yesterday", scope: { type: "any" }, to: ["noc@example.com"], area: "minutes", operator: ">",
          threshold: 200, sample_period: "yesterday" },
        { title: "Named", companies: ["C0003", "C0007", "P002"], to: ["noc@example.com"], area: "profit",
          operator: "always", sample_period: "30m", repeat: "1h" },
        { title: "Streak", scope: { type: "any" }, to: ["noc@example.com"], area: "consecutive_failures", operator: ">=", threshold: 2 }
        """

    static func ids(_ random: inout SplitMix64, round: Int) -> [String] {
        // Long ids that share their first eight bytes, short ones, and in one round ids outside ASCII.
        var ids = (0..<120).map { i in i % 3 == 0 ? "CUSTOMER-\(1000 + i)" : "C\(String(format: "%04d", i))" }
        ids += (0..<20).map { "P\(String(format: "%03d", $0))" } + ["C", "C0", "CUSTOMER", "CUSTOMER-"]
        if round == 1 { ids += ["Çx", "e\u{301}1", "é2", "C\u{0}1"] }
        return ids.shuffled(using: &random)
    }

    static func state(ids: [String], now: Int64, _ random: inout SplitMix64) -> KlaxonState {
        var state = KlaxonState()
        for (n, id) in ids.enumerated() {
            let carrier = id.hasPrefix("P")
            let tags = carrier ? [] : [["prepaid"], ["wholesale"], ["prepaid", "wholesale"], []][n % 4]
            let company = Company(id: id, type: carrier ? .carrier : .customer, credit: Double(random.next() % 40), tags: tags)
            let away = n % 17 == 5
            state.meta.companies[id] = CompanyRecord(company: company, inSnapshot: !away, lastSeen: away ? now - 40 * 86_400 : now)
            // Some have no calls at all, among them those gone from the snapshot, which are then forgotten
            // with their instances; some have an instance of an alert no longer in the job.
            if away { state.meta.instances[AlertInstance.key(alert: "Calls today", company: id)] = AlertInstance(alert: "Calls today", company: id) }
            if n % 13 == 0 { state.meta.instances[AlertInstance.key(alert: "Gone", company: id)] = AlertInstance(alert: "Gone", company: id) }
            if n % 11 == 0 || away { continue }
            var minute = Int32(now / 60) - 2_880 + Int32(random.next() % 60)
            var list: [MinuteBucket] = []
            while minute < Int32(now / 60) {
                list.append(bucket(minute, &random))
                minute += 1 + Int32(random.next() % 90)
            }
            var scratch: [UInt8] = []
            // Half of them encoded as a load leaves them, the rest decoded.
            state.buckets[id] = n % 2 == 0
                ? EncodedBuckets(encoding: list, scratch: &scratch).map { CompanyBuckets(encoded: $0) } ?? CompanyBuckets()
                : CompanyBuckets(buckets: list)
            if n % 5 == 0 {
                var streak = FailureStreak()
                streak.failures = [[now - 600, Int64(random.next() % 4)]]
                state.meta.failureStreaks[id] = streak
            }
        }
        state.meta.coveredSince = Int32(now / 60) - 3 * 1_440
        return state
    }

    static func bucket(_ minute: Int32, _ random: inout SplitMix64) -> MinuteBucket {
        var b = MinuteBucket(minute: minute)
        b.attempts = Int32(random.next() % 12)
        b.connected = Int32(random.next() % UInt64(b.attempts + 1))
        b.talkSeconds = Int64(b.connected) * Int64(random.next() % 200)
        b.customerCharge = Int64(random.next() % 3_000_000)
        b.providerCharge = Int64(random.next() % 2_000_000)
        return b
    }

    @Test("the fast evaluator decides, notifies and keeps exactly what the reference does", arguments: [0, 1, 2])
    func sameAsReference(round: Int) throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", interval: "1h", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ \(Self.alerts) ] }
        """)
        var random = SplitMix64(seed: 0xE7A1 + UInt64(round))
        var now = epoch("2026-11-27T10:00:00Z")
        var fast = Self.state(ids: Self.ids(&random, round: round), now: now, &random)
        var reference = fast
        var kinds: Set<NotificationKind> = []
        var silenced = 0, dropped = 0
        for run in 0..<8 {
            let silences = [Silence(id: 1, alert: "Low ASR", company: nil, tag: "prepaid", created: now - 60, until: now + 1_800, comment: nil),
                            Silence(id: 2, alert: nil, company: "C0004", tag: nil, created: now - 60, until: now + 7_200, comment: nil)]
                .filter { _ in run % 3 != 2 }
            var evaluator = Evaluator(job: job, now: now)
            evaluator.silences = silences
            let got = evaluator.evaluate(&fast)
            let want = ReferenceEvaluator(job: job, now: now, silences: silences).evaluate(&reference)
            #expect(got.decisions == want.decisions, "round \(round) run \(run)")
            #expect(got.summaries == want.summaries, "round \(round) run \(run)")
            #expect(got.events.map(EventFacts.init) == want.events.map(EventFacts.init), "round \(round) run \(run)")
            #expect(got.penaltyActions == want.penaltyActions, "round \(round) run \(run)")
            #expect(got.dropped.sorted() == want.dropped.sorted(), "round \(round) run \(run)")
            #expect(fast == reference, "round \(round) run \(run)")
            kinds.formUnion(got.events.map(\.kind))
            silenced += got.decisions.filter { $0.silenced != nil }.count
            dropped += got.dropped.count
            // The next run: time passes (windows move even without data), some companies get calls, balances move.
            now += run % 2 == 0 ? 3_600 : 1_800
            for id in fast.meta.companies.keys.sorted() where random.next() % 3 == 0 {
                let b = Self.bucket(Int32(now / 60) - 1 - Int32(random.next() % 30), &random)
                fast.buckets[id, default: CompanyBuckets()].merge(b)
                reference.buckets[id, default: CompanyBuckets()].merge(b)
                let credit = Double(random.next() % 40)
                fast.meta.companies[id]?.company.credit = credit
                reference.meta.companies[id]?.company.credit = credit
            }
        }
        // The random data reaches every path of the gate, or the comparison proves little.
        #expect(kinds == [.fired, .repeat, .reset, .escalated], "round \(round): \(kinds)")
        #expect(silenced > 0 && dropped > 0, "round \(round)")
    }

    @Test("companies come in String order, ASCII or not, whatever their first eight bytes")
    func companyOrder() {
        var random = SplitMix64(seed: 0x0DE7)
        for round in 0..<3 {
            var records: [String: CompanyRecord] = [:]
            for id in Self.ids(&random, round: round) {
                records[id] = CompanyRecord(company: Company(id: id), inSnapshot: true, lastSeen: 0)
            }
            #expect(CompanyOrder.sorted(records).map(\.id) == records.keys.sorted(), "round \(round)")
        }
        #expect(CompanyOrder.asciiHead("AB") == 0x4142_0000_0000_0000)
        #expect(CompanyOrder.asciiHead("é") == nil)
    }

    @Test("companies in the same scopes share one plan, with up to 64 alerts and beyond", arguments: [3, 70])
    func scopePlans(alertCount: Int) {
        let tags = ["a", "b", "c"]
        let alerts = (0..<alertCount).map { i in
            AlertDefinition(title: "A\(i)", file: "j", scope: .matching(type: .any, tag: tags[i % 3]), recipients: [], area: .attempts,
                            comparison: .greaterThan, threshold: 1, resetThreshold: nil, samplePeriod: TimeSpan(seconds: 3600), minCalls: 1,
                            penalty: nil, template: "alert", repeatEvery: nil, level: .error, sendReset: false, script: nil)
        }
        let companies = (0..<40).map { c in Company(id: "C\(c)", tags: Array(tags.prefix(c % 4))) }
        let starts: [Int32?] = (0..<alertCount).map { (i: Int) -> Int32? in
            guard i % 3 != 2 else { return nil }
            return i % 2 == 0 ? 100 : 110
        }
        let plans = ScopePlans(companies: companies, alerts: alerts, evaluated: (0..<alertCount).map { $0 != 1 }, windowStarts: starts)
        // Tags none, a, a+b, a+b+c; with three alerts the one of tag b is not evaluated, so a and a+b share a plan.
        #expect(plans.plans.count == (alertCount == 3 ? 3 : 4))
        for (c, company) in companies.enumerated() {
            let plan = plans.plans[Int(plans.planOf[c])]
            let applying = (0..<alertCount).filter { $0 != 1 && company.tags.contains(tags[$0 % 3]) }
            #expect(plan.applying == applying, "company \(c)")
            #expect(plan.slots.enumerated().allSatisfy { k, slot in slot.map { plan.starts[$0] } == starts[plan.applying[k]] }, "company \(c)")
        }
    }
}
