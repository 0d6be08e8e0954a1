import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Alert webhooks (`webhooks`, `to: ["webhook:NAME"]`): the real binary posts each
/// preset's body to the loopback HTTP server, and the body is checked against the shape
/// its service documents; the server's scripted answers drive retries and dead items.
@Suite("Alert webhooks through a real HTTP server", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct WebhookTests {
    static let fire = "2026-11-27T01:00:00Z"
    static let later = "2026-11-27T02:00:00Z"

    /// A job whose "Low Balance" alert (level `level`, reset notices on) reaches `webhook:hook`.
    func job(_ scratch: Scratch, hook: String, level: String = "warning") -> String {
        scratch.write("drop/b-1.csv", "id,name,credit,currency\nC1,Bell & <Sons>,5,EUR\nC2,Fine Ltd,100,EUR\n")
        try? FileManager.default.createDirectory(atPath: scratch.url("cdrs"), withIntermediateDirectories: true)
        scratch.write("job.json5", """
        { name: "hooks", state: "state", brand: "ACME", inputs: { balances: { path: "drop" }, cdrs: { path: "cdrs" } },
          delivery: { retry_backoff: "1m" },
          webhooks: { hook: \(hook) },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["webhook:hook"], area: "balance",
                      operator: "<", threshold: 10, reset_threshold: 20, level: "\(level)", send_reset: true } ] }
        """, age: 0)
        return scratch.url("job.json5")
    }

    /// A newer snapshot in which C1 is back above the reset threshold.
    func recover(_ scratch: Scratch) {
        scratch.write("drop/b-2.csv", "id,name,credit,currency\nC1,Bell & <Sons>,50,EUR\nC2,Fine Ltd,100,EUR\n", age: 60)
    }

    func run(_ job: String, _ now: String, _ environment: [String: String] = [:]) throws -> KlaxonBinary.Output {
        try KlaxonBinary.run(["run", job, "--now", now, "--quiet"], environment: environment)
    }

    func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any], "\(String(describing: value))") }

    @Test func slackGetsAnIncomingWebhookTextWithItsControlCharactersEscaped() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "slack", url_env: "SLACK_URL" }"#)
        let result = try run(job, Self.fire, ["SLACK_URL": server.url("/scripted/200/services/T000/B000/XXXX")])
        #expect(result.status == 0, "\(result.stderr)")
        let received = try server.received()
        #expect(received.count == 1)
        let request = try #require(received.first)
        #expect(request.method == "POST")
        #expect(request.path == "/scripted/200/services/T000/B000/XXXX")
        #expect(request.header("Content-Type") == "application/json")
        let body = try object(request.json)
        #expect(Array(body.keys) == ["text"])
        let text = try #require(body["text"] as? String)
        #expect(text.hasPrefix("*"), "the subject is bold in mrkdwn")
        #expect(text.contains("Bell &amp; &lt;Sons&gt;"), "\(text)")
        #expect(!text.contains("<Sons>") && !text.contains("& <"))
    }

    @Test func teamsGetsAWorkflowsMessageWithAnAdaptiveCard() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "teams", url: "\#(server.url("/scripted/202"))" }"#, level: "error")
        let result = try run(job, Self.fire)
        #expect(result.status == 0, "\(result.stderr)")
        let body = try object(try #require(try server.received().first).json)
        #expect(body["type"] as? String == "message")
        let attachments = try #require(body["attachments"] as? [Any])
        #expect(attachments.count == 1)
        let attachment = try object(attachments.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try object(attachment["content"])
        #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
        #expect(card["type"] as? String == "AdaptiveCard")
        let version = try #require(card["version"] as? String)
        #expect(version.split(separator: ".").count == 2 && version.split(separator: ".").allSatisfy { Int($0) != nil })
        let blocks = try #require(card["body"] as? [[String: Any]])
        #expect(blocks.first?["type"] as? String == "TextBlock")
        #expect((blocks.first?["text"] as? String)?.contains("Low Balance") == true)
        #expect(blocks.first?["color"] as? String == "Attention", "an error-level alert")
        let facts = try #require(blocks.last?["facts"] as? [[String: String]])
        #expect(facts.contains { $0["title"] == "company" && $0["value"] == "C1 (Bell & <Sons>)" }, "Adaptive Card text is not HTML: kept as written")
    }

    @Test func pagerDutyTriggersOnAFiringAndResolvesOnTheResetUnderOneDedupKey() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "pagerduty", url: "\#(server.url("/scripted/202/v2/enqueue"))", routing_key_env: "PD_KEY", source: "klaxon.example" }"#)
        let key = "R0UT1NGK3Y0123456789abcdefABCDEF"
        let first = try run(job, Self.fire, ["PD_KEY": key])
        #expect(first.status == 0, "\(first.stderr)")
        recover(scratch)
        let second = try run(job, Self.later, ["PD_KEY": key])
        #expect(second.status == 0, "\(second.stderr)")

        let received = try server.received()
        #expect(received.count == 2)
        let trigger = try object(received.first?.json)
        #expect(trigger["routing_key"] as? String == key)
        #expect(trigger["event_action"] as? String == "trigger")
        let dedup = try #require(trigger["dedup_key"] as? String)
        #expect(!dedup.isEmpty && dedup.count <= 255)
        let payload = try object(trigger["payload"])
        #expect((payload["summary"] as? String)?.contains("Low Balance") == true)
        #expect(payload["source"] as? String == "klaxon.example")
        #expect(["critical", "error", "warning", "info"].contains(payload["severity"] as? String ?? ""))
        #expect(payload["severity"] as? String == "warning", "the alert's level")
        let details = try object(payload["custom_details"])
        #expect(details["value"] as? String == "5.00 EUR")
        #expect(details["company"] as? String == "C1 (Bell & <Sons>)")

        let resolve = try object(received.last?.json)
        #expect(resolve["routing_key"] as? String == key)
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(resolve["dedup_key"] as? String == dedup)

        // The routing key is a secret: read at send time, never kept in the state or printed.
        for (path, bytes) in try stateFiles(scratch) { #expect(!String(decoding: bytes, as: UTF8.self).contains(key), "\(path)") }
        #expect(!(first.stdout + first.stderr + second.stdout + second.stderr).contains(key))
    }

    @Test func aTestSendReachesTheWebhookWithoutTouchingTheRealIncident() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "pagerduty", url: "\#(server.url("/scripted/202"))", routing_key_env: "PD_KEY" }"#)
        #expect(try run(job, Self.fire, ["PD_KEY": "k"]).status == 0)
        let preview = try KlaxonBinary.run(["test", job, "--alert", "Low Balance", "--company", "C1", "--now", Self.later])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains(#"webhook:hook: {"client":"Klaxon","dedup_key":"klaxon/hooks/Low Balance/C1/test","event_action":"trigger""#), "\(preview.stdout)")
        #expect(try server.received().count == 1, "without --send nothing is sent")
        let test = try KlaxonBinary.run(["test", job, "--alert", "Low Balance", "--company", "C1", "--send", "--now", Self.later], environment: ["PD_KEY": "k"])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("sent webhook to webhook:hook"), "\(test.stdout)")
        let received = try server.received()
        #expect(received.count == 2)
        let real = try object(received.first?.json), trial = try object(received.last?.json)
        #expect(trial["event_action"] as? String == "trigger")
        #expect((try object(trial["payload"])["summary"] as? String)?.hasPrefix("[TEST]") == true)
        #expect(trial["dedup_key"] as? String != real["dedup_key"] as? String, "a test opens its own incident, never resolves the real one")
    }

    @Test func alertmanagerGetsAV2AlertThatTheResetEnds() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "alertmanager", url: "\#(server.url("/scripted/200/"))", generator_url: "https://noc.example/klaxon" }"#, level: "none")
        #expect(try run(job, Self.fire).status == 0)
        recover(scratch)
        #expect(try run(job, Self.later).status == 0)

        let received = try server.received()
        #expect(received.map(\.path) == ["/scripted/200/api/v2/alerts", "/scripted/200/api/v2/alerts"])
        let fired = try object(try #require(received.first?.json as? [Any]).first)
        let labels = try #require(fired["labels"] as? [String: String])
        #expect(labels == ["alertname": "Low Balance", "company": "C1", "job": "hooks", "severity": "info"])
        let annotations = try #require(fired["annotations"] as? [String: String])
        #expect(annotations["summary"]?.contains("Low Balance") == true)
        #expect(annotations["description"]?.isEmpty == false)
        #expect(fired["generatorURL"] as? String == "https://noc.example/klaxon")
        #expect(try rfc3339(fired["startsAt"]) == at(Self.fire))
        #expect(fired["endsAt"] == nil, "a firing alert has no known end")

        let resets = try #require(received.last?.json as? [Any])
        #expect(resets.count == 1)
        let reset = try object(resets.first)
        #expect(reset["labels"] as? [String: String] == labels, "the same labels identify the same alert")
        #expect(try rfc3339(reset["endsAt"]) == at(Self.later))
    }

    @Test func aJSONBodyKeepsItsTypesAndNestingAndRendersItsStrings() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"""
        { preset: "json", url: "\#(server.url("/scripted/201"))", token_env: "HOOK_TOKEN", headers: { "X-Team": "${TEAM}", "X-Fixed": 7 },
          body: { event: "{{kind}}", priority: 3, ratio: 0.5, page: true, none: null,
                  labels: { company: "{{company.id}}", tags: ["klaxon", "{{title}}"] }, text: "{{{name}}} at {{value}}" } }
        """#)
        let result = try run(job, Self.fire, ["HOOK_TOKEN": "t0ken-secret", "TEAM": "noc-team"])
        #expect(result.status == 0, "\(result.stderr)")
        let request = try #require(try server.received().first)
        #expect(request.header("Authorization") == "Bearer t0ken-secret")
        #expect(request.header("X-Team") == "noc-team")
        #expect(request.header("X-Fixed") == "7")
        let text = String(decoding: request.body, as: UTF8.self)
        #expect(text.contains(#""priority":3"#) && text.contains(#""ratio":0.5"#) && text.contains(#""page":true"#) && text.contains(#""none":null"#), "\(text)")
        let body = try object(request.json)
        #expect(body["event"] as? String == "fired")
        #expect(body["text"] as? String == "Bell & <Sons> at 5.00 EUR")
        let labels = try object(body["labels"])
        #expect(labels["company"] as? String == "C1")
        #expect(labels["tags"] as? [String] == ["klaxon", "Low Balance"])
    }

    @Test func a429WithRetryAfterWaitsThatLongAcrossRunsThenDelivers() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "slack", url: "\#(server.url("/scripted/429,200?retry_after=1800"))" }"#)
        let first = try run(job, Self.fire)
        #expect(first.status == 2)
        #expect(first.stderr.contains("delivery failed (attempt 1; next attempt at 2026-11-27T01:30:00Z) webhook to webhook:hook"), "\(first.stderr)")
        #expect(first.stderr.contains("HTTP 429"))
        let state = try StateStore(directory: scratch.url("state")).loadCurrent()
        #expect(state.meta.outbox.map(\.nextAttempt) == [epoch(Self.fire) + 1_800], "Retry-After, not the 1m backoff")

        // Before the time the receiver asked for, nothing is sent (and the run still says so).
        let early = try run(job, "2026-11-27T01:20:00Z")
        #expect(early.status == 2)
        #expect(early.stderr.contains("delivery pending"), "\(early.stderr)")
        #expect(try server.received().count == 1)

        let due = try run(job, "2026-11-27T01:30:00Z")
        #expect(due.status == 0, "\(due.stderr)")
        #expect(try server.received().count == 2)
        #expect(try StateStore(directory: scratch.url("state")).loadCurrent().meta.outbox.isEmpty)
    }

    @Test func aRetryAfterDateIsHonouredLikeSeconds() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "slack", url: "\#(server.url("/scripted/503?retry_after_date=900"))" }"#)
        #expect(try run(job, Self.fire).status == 2)
        let next = try #require(try StateStore(directory: scratch.url("state")).loadCurrent().meta.outbox.first?.nextAttempt)
        // An HTTP-date has a resolution of a second, and the request took a moment.
        #expect((epoch(Self.fire) + 880...epoch(Self.fire) + 901).contains(next), "\(next - epoch(Self.fire))")
    }

    @Test func a400IsDeadAtOnceWithTheAnswersFirstLine() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "pagerduty", url: "\#(server.url("/scripted/400"))", routing_key_env: "PD_KEY" }"#)
        let first = try run(job, Self.fire, ["PD_KEY": "k"])
        #expect(first.status == 2)
        #expect(first.stderr.contains("delivery dead (gave up after 1 attempt) webhook to webhook:hook"), "\(first.stderr)")
        #expect(first.stderr.contains("answered HTTP 400: invalid event: 400"))
        #expect(!first.stderr.contains("see the documentation"), "only the answer's first line")
        let item = try #require(try StateStore(directory: scratch.url("state")).loadCurrent().meta.outbox.first)
        #expect(item.dead && item.attempts == 1)

        let second = try run(job, Self.later, ["PD_KEY": "k"])
        #expect(second.status == 2, "a dead item is reported by every run")
        #expect(try server.received().count == 1, "a dead item is not sent again")
    }

    @Test func secretsFromTheEnvironmentAreRedactedFromEveryLine() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "json", url_env: "HOOK_URL", token_env: "HOOK_TOKEN", body: { t: "{{title}}" } }"#)
        // The server answers 500 quoting the token in every encoding it knows.
        let environment = ["HOOK_URL": server.url("/encoded/all/T0SECRETPATH"), "HOOK_TOKEN": "tok-3xq/secret+value"]
        let result = try run(job, Self.fire, environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("delivery failed") && result.stderr.contains("HTTP 500"), "\(result.stderr)")
        #expect(result.stderr.contains("[redacted]"))
        let said = result.stdout + result.stderr + (scratch.read("state/delivery.journal") ?? "")
        for secret in ["T0SECRETPATH", "tok-3xq", "3xq%2Fsecret", "dG9rLTN4cS9zZWNyZXQrdmFsdWU"] {
            #expect(!said.contains(secret), "\(secret) leaked: \(said)")
        }

        // An unreachable receiver: the URL from the environment is not printed either.
        let closed = ["HOOK_URL": "http://127.0.0.1:\(try unusedLoopbackPort())/services/T0SECRETPATH", "HOOK_TOKEN": "tok-3xq/secret+value"]
        let other = Scratch()
        let unreachable = try run(self.job(other, hook: #"{ preset: "slack", url_env: "HOOK_URL" }"#), Self.fire, closed)
        #expect(unreachable.status == 2)
        #expect(unreachable.stderr.contains("could not connect"), "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains("T0SECRETPATH"), "\(unreachable.stderr)")
    }

    @Test func pendingCallsOfAWebhookRemovedFromTheJobAreDeadAtTheirNextAttempt() throws {
        let server = try LocalHTTPServer()
        let scratch = Scratch()
        let job = job(scratch, hook: #"{ preset: "slack", url: "\#(server.url("/scripted/503"))" }"#)
        #expect(try run(job, Self.fire).status == 2)
        let text = try #require(scratch.read("job.json5"))
        scratch.write("job.json5", text.replacingOccurrences(of: #"to: ["webhook:hook"]"#, with: "to: []")
            .replacingOccurrences(of: #"webhooks: { hook: { preset: "slack", url: "\#(server.url("/scripted/503"))" } },"#, with: ""), age: 0)
        let after = try run(job, Self.later)
        #expect(after.status == 2)
        #expect(after.stderr.contains("delivery dead (gave up after 2 attempts) webhook to webhook:hook: "), "\(after.stderr)")
        #expect(after.stderr.contains(#"the job no longer has webhook "hook""#))
        #expect(try server.received().count == 1)
    }

    func rfc3339(_ value: Any?) throws -> Date {
        let text = try #require(value as? String)
        return try #require(ISO8601DateFormatter().date(from: text), "\(text) is not RFC 3339")
    }

    func stateFiles(_ scratch: Scratch) throws -> [(String, Data)] {
        let root = scratch.url("state")
        let names = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return try names.compactMap { name in
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &folder), !folder.boolValue else { return nil }
            return (name, try Data(contentsOf: URL(fileURLWithPath: root + "/" + name)))
        }
    }
}
