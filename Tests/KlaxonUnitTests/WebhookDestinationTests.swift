import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Webhooks for a `by: "destination"` alert: each destination of a company is an
/// incident and an outbox item of its own, and its severity is the instance's level.
@Suite struct WebhookDestinationTests {
    func job() throws -> Job {
        let scratch = Scratch()
        scratch.write("prefixes.csv", "prefix,name,group\n53,Cuba,high_risk\n220,Gambia,high_risk\n")
        let path = scratch.write("job.json5", """
        { name: "fraud", state: "st", destinations: { file: "prefixes.csv" },
          webhooks: { pd: { preset: "pagerduty", url: "https://events.example.com/v2/enqueue", routing_key_env: "K" },
                      am: { preset: "alertmanager", url: "https://am.example.com" } },
          alerts: [ { title: "Pumping", scope: { type: "customer" }, to: ["webhook:pd", "webhook:am"], by: "destination",
                      destinations: ["group:high_risk"], area: "calls_per_minute", operator: ">",
                      levels: { warning: 10, critical: 30 }, reset_threshold: 5, sample_period: "1h", send_reset: true, repeat: "1h" } ] }
        """)
        return try JobLoader.load(path).get()
    }

    func event(_ job: Job, destination: String, kind: NotificationKind = .fired, level: AlertLevel = .critical) throws -> AlertEvent {
        let alert = try #require(job.alerts.first)
        return AlertEvent(alert: alert, company: Company(id: "C1"), kind: kind, value: 40, message: nil, window: nil,
                          penaltyUntil: nil, now: 1_800_000_000, destination: destination, level: level)
    }

    @Test func twoDestinationsOfOneCompanyAreTwoItemsAndTwoIncidents() throws {
        let job = try job()
        let composed = NotificationComposer(job: job, now: 1_800_000_000)
            .compose(events: [try event(job, destination: "Cuba"), try event(job, destination: "Gambia")], penaltyActions: [])
        let hooks = composed.items.filter { $0.channel == .webhook }
        #expect(hooks.count == 4)
        #expect(Set(hooks.map(\.id)).count == 4, "one delivered item must not take another with it: \(hooks.map(\.id))")
        let bodies = hooks.map(\.payload)
        #expect(bodies.contains { $0.contains(#""dedup_key":"klaxon\/fraud\/Pumping\/C1\/Cuba""#) || $0.contains(#""dedup_key":"klaxon/fraud/Pumping/C1/Cuba""#) }, "\(bodies)")
        #expect(bodies.contains { $0.contains("Gambia") && $0.contains("dedup_key") })
        #expect(bodies.contains { $0.contains(#""destination":"Cuba""#) && $0.contains("labels") }, "\(bodies)")
    }

    @Test func severityIsTheInstancesLevel() throws {
        let job = try job()
        #expect(WebhookSeverity.of(try event(job, destination: "Cuba", level: .critical)) == "critical")
        #expect(WebhookSeverity.of(try event(job, destination: "Cuba", level: .warning)) == "warning")
    }

    /// Found by review: two destinations of one company read as two identical report rows.
    @Test func theReportNamesEachTriggeredDestination() throws {
        let job = try job()
        var state = KlaxonState()
        state.meta.companies["C1"] = CompanyRecord(company: Company(id: "C1"), inSnapshot: true, lastSeen: 0)
        for destination in ["Cuba", "Gambia"] {
            var instance = AlertInstance(alert: "Pumping", company: "C1")
            instance.status = .triggered
            state.meta.instances[CallLogEvaluator.key(alert: "Pumping", company: "C1", destination: destination)] = instance
        }
        let report = MetricsReport(job: job, state: state, now: 1_800_000_000)
        #expect(report.triggered.map(\.label).sorted() == ["Pumping (Cuba)", "Pumping (Gambia)"])
        #expect(report.rows.first?.triggered.sorted() == ["Pumping (Cuba)", "Pumping (Gambia)"])
    }
}
