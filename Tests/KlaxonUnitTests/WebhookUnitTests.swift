import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The pieces of alert webhooks that need no server: severities, PagerDuty's key
/// handling, Slack's escaping, and how the outbox treats a receiver's verdict.
@Suite("Alert webhook parts")
struct WebhookUnitTests {
    @Test func severityNamesMapOntoPagerDutysFourLevels() {
        #expect(WebhookSeverity.name("none") == "info")
        #expect(WebhookSeverity.name("warning") == "warning")
        #expect(WebhookSeverity.name("error") == "error")
        #expect(WebhookSeverity.name("critical") == "critical")
        #expect(WebhookSeverity.name("something new") == "error", "an unknown level pages rather than hides")
    }

    @Test func theRoutingKeyJoinsTheBodyOnlyOnItsWayOut() throws {
        let stored = #"{"dedup_key":"k","event_action":"resolve"}"#
        let sent = PagerDutyEvent.withRoutingKey(stored, "R\"1")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: String])
        #expect(object == ["routing_key": "R\"1", "dedup_key": "k", "event_action": "resolve"])
        #expect(PagerDutyEvent.withRoutingKey("{}", "R") == #"{"routing_key":"R"}"#)
    }

    @Test func dedupKeysAreStablePerJobAlertAndCompanyAndFitPagerDutysLimit() {
        let key = PagerDutyEvent.dedupKey(job: "j", alert: "Low", company: "C1")
        #expect(key == PagerDutyEvent.dedupKey(job: "j", alert: "Low", company: "C1"))
        #expect(key != PagerDutyEvent.dedupKey(job: "j", alert: "Low", company: "C2"))
        let long = PagerDutyEvent.dedupKey(job: "j", alert: String(repeating: "x", count: 400), company: "C1")
        #expect(long.count <= 255)
        #expect(long != PagerDutyEvent.dedupKey(job: "j", alert: String(repeating: "x", count: 400), company: "C2"))
    }

    @Test func slackControlCharactersAreWrittenAsEntities() {
        #expect(SlackMessage.escape("a & b <@U1> >") == "a &amp; b &lt;@U1&gt; &gt;")
    }

    @Test func alertmanagerTakesABaseURLOrTheFullEndpoint() {
        #expect(AlertmanagerAlert.endpoint("http://am:9093") == "http://am:9093/api/v2/alerts")
        #expect(AlertmanagerAlert.endpoint("http://am:9093/") == "http://am:9093/api/v2/alerts")
        #expect(AlertmanagerAlert.endpoint("http://am:9093/api/v2/alerts") == "http://am:9093/api/v2/alerts")
    }

    /// Answers each item with the failure the test gives.
    struct VerdictSink: DeliverySink {
        let failure: SendFailure
        func deliver(_ item: OutboxItem) throws(SendFailure) { throw failure }
    }

    func deliver(_ failure: SendFailure, now: Int64 = 1_000) -> (OutboxItem, Outbox.Outcome?) {
        let scratch = Scratch()
        var outbox = [OutboxItem(id: "w", channel: .webhook, alert: "A", company: "C1", kind: "fired", recipients: ["webhook:h"],
                                 subject: nil, payload: "{}", createdAt: 1_000, nextAttempt: 0)]
        var warnings: [String] = []
        let outcomes = Outbox(settings: DeliverySettings(), journal: DeliveryJournal(path: scratch.url("j")), penaltyLog: scratch.url("p"), now: now)
            .deliver(&outbox, through: VerdictSink(failure: failure), warnings: &warnings)
        return (outbox[0], outcomes.first)
    }

    @Test func aRefusalIsDeadAtOnceAndARetryAfterSetsTheNextAttempt() {
        let (refused, refusedOutcome) = deliver(SendFailure("HTTP 400", permanent: true, retryAfter: nil))
        #expect(refused.dead && refusedOutcome?.result == .dead)

        let (waiting, _) = deliver(SendFailure("HTTP 429", permanent: false, retryAfter: 7_200))
        #expect(!waiting.dead && waiting.nextAttempt == 1_000 + 7_200)

        // A shorter wait than the backoff (5 min doubling) keeps the backoff.
        let (short, _) = deliver(SendFailure("HTTP 503", permanent: false, retryAfter: 10))
        #expect(short.nextAttempt == 1_000 + 300)

        // A wait past give_up_after (24 h) would only hold a message that is dead by then.
        let (tooLong, tooLongOutcome) = deliver(SendFailure("HTTP 429", permanent: false, retryAfter: 90_000))
        #expect(tooLong.dead)
        #expect(tooLongOutcome?.error?.contains("past give_up_after") == true, "\(String(describing: tooLongOutcome?.error))")
    }

    @Test func aURLFromTheEnvironmentFollowsThePlaintextRuleWhenItIsSent() throws {
        var hook = AlertWebhook(name: "h", preset: .slack)
        hook.urlEnv = "U"
        hook.tokenEnv = "T"
        let secrets = Secrets(environment: ["U": "http://hooks.example.com/s/SECRET", "T": "tok"])
        #expect(throws: SendFailure.self) { try WebhookRequest.make(hook, payload: "{}", secrets: secrets) }
        hook.allowPlaintextCredentials = true
        let request = try WebhookRequest.make(hook, payload: "{}", secrets: secrets)
        #expect(request.url == "http://hooks.example.com/s/SECRET")
        #expect(request.secretValues.contains("/s/SECRET") && request.secretValues.contains("tok"))
        let loopback = Secrets(environment: ["U": "http://127.0.0.1:9/s", "T": "tok"])
        hook.allowPlaintextCredentials = false
        #expect(try WebhookRequest.make(hook, payload: "{}", secrets: loopback).headers.contains(HTTPHeader("Authorization", "Bearer tok")))
    }
}
