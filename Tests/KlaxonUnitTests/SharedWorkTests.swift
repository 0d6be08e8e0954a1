import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The work a run spreads over two threads gives what one thread gives, in the same order.
@Suite("Work on two threads")
struct SharedWorkTests {
    @Test("results come back in chunk order, every chunk run once")
    func chunksInOrder() {
        for count in [0, 1, 2, 7, 500] {
            #expect(SharedWork.map(chunks: count, helped: true) { $0 * 3 } == (0..<count).map { $0 * 3 })
        }
    }

    @Test("hundreds of events compose into the items of each event composed alone, in order")
    func composedInOrder() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { name: "many", state: "state", inputs: { balances: { path: "drop" } },
          email: { url: "smtp://127.0.0.1:2525", from: "noc@acme.example" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts", "noc@acme.example"],
                      area: "balance", operator: "<", threshold: 10 } ] }
        """)
        let alert = try #require(job.alerts.first)
        let now: Int64 = 1_796_083_200
        let events = (0..<(5 * NotificationComposer.eventsPerChunk + 3)).map { i in
            AlertEvent(alert: alert, company: Company(id: "C\(i)", name: "Company \(i)", credit: Double(i) / 8,
                                                      emails: i % 7 == 0 ? ["not an address"] : ["c\(i)@x.example"]),
                       kind: .fired, value: Double(i) / 8, message: nil, window: nil, penaltyUntil: nil, now: now)
        }
        let composer = NotificationComposer(job: job, now: now)
        let together = composer.compose(events: events, penaltyActions: [])
        let alone = events.map { composer.compose(events: [$0], penaltyActions: []) }
        #expect(together.items == alone.flatMap(\.items))
        #expect(together.warnings == alone.flatMap(\.warnings))
        #expect(together.items.count == events.count)
    }

    @Test("window totals of many companies are each company's own, in order, from any batch start")
    func windowTotalsInOrder() {
        var buckets: [String: CompanyBuckets] = [:]
        var companies: [Company] = []
        for c in 0..<(3 * Evaluator.companiesPerChunk + 5) {
            let id = "C\(c)"
            // No alert, one window, or two (one of them shared by two alerts).
            companies.append(Company(id: id, tags: c % 4 == 0 ? [] : c % 4 == 1 ? ["x"] : ["x", "y", "z"]))
            if c % 3 != 0 {
                buckets[id] = CompanyBuckets(buckets: (0..<(c % 90)).map { m in
                    var b = MinuteBucket(minute: Int32(30 + m))
                    b.attempts = Int32(c)
                    return b
                })
            }
        }
        let alerts = ["x", "y", "z"].map { tag in
            AlertDefinition(title: tag, file: "j", scope: .matching(type: .any, tag: tag), recipients: [], area: .attempts, comparison: .greaterThan,
                            threshold: 1, resetThreshold: nil, samplePeriod: TimeSpan(seconds: 3600), minCalls: 1,
                            penalty: nil, template: "alert", repeatEvery: nil, level: .error, sendReset: false, script: nil)
        }
        let plans = ScopePlans(companies: companies, alerts: alerts, evaluated: [true, true, true], windowStarts: [100, 60, 100])
        #expect(plans.width == 2)
        let range = 3..<companies.count
        let totals = Evaluator.windowTotals(of: companies, range, plans: plans, to: 120, in: buckets)
        #expect(totals.count == range.count * 2)
        for i in range {
            let starts = plans.plans[Int(plans.planOf[i])].starts
            #expect(starts == (i % 4 == 0 ? [] : i % 4 == 1 ? [100] : [100, 60]), "company \(i)")
            for (k, start) in starts.enumerated() {
                let expected = buckets[companies[i].id]?.total(from: start, to: 120) ?? MinuteBucket(minute: start)
                #expect(totals[(i - range.lowerBound) * 2 + k] == expected, "company \(i)")
            }
        }
    }
}
