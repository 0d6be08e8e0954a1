import Foundation
import Testing
import KlaxonCore
@testable import KlaxonTestSupport

/// `klaxon check` on `webhooks` and on `webhook:NAME` recipients, and what `--dry-run`
/// shows of a webhook whose URL variable is not set in the operator's shell.
@Suite struct CheckWebhookTests {
    func write(_ temp: TempFolder, webhooks: String, to: String = #"["webhook:slack"]"#) throws -> String {
        let job = temp.url("job.json5")
        try """
        { state: "st", webhooks: \(webhooks),
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: \(to), area: "balance", operator: "<", threshold: 10 } ] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        return job
    }

    @Test func checkNamesEveryWebhookMistakeWithItsField() throws {
        let temp = TempFolder()
        let job = try write(temp, webhooks: """
        { slack: { preset: "slak", url: "https://hooks.example.com/x" },
          pd: { preset: "pagerduty", url: "https://events.example.com/v2/enqueue" },
          nourl: { preset: "teams" },
          plain: { preset: "json", url: "http://hooks.example.com/in", token_env: "T", body: { a: "{{#title}}", b: ["{{compnay.id}}"] } },
          extra: { preset: "slack", url: "https://hooks.example.com/y", routing_key_env: "K", colour: "red" } }
        """, to: #"["webhook:slack", "webhook:pg"]"#)
        let result = try KlaxonBinary.run(["check", job])
        #expect(result.status == 1)
        for expected in [
            #"webhooks.slack.preset: unknown preset "slak"; did you mean "slack"?"#,
            #"webhooks.pd.routing_key_env: is required with preset "pagerduty""#,
            "webhooks.nourl.url: is required: write `url`, or `url_env`",
            "webhooks.plain.url: the webhook's credentials (token_env, routing_key_env, ${…} in headers) would cross a plain connection to hooks.example.com",
            "webhooks.plain.body.a: ",
            "webhooks.plain.body.b[0]: line 1, column 1: unknown variable {{compnay.id}}; did you mean {{company.id}}?",
            #"webhooks.extra.routing_key_env: only preset "pagerduty" takes a routing key"#,
            "webhooks.extra.colour: unknown field",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected): \(result.stderr)")
        }
        for unwanted in ["webhooks.slack.body", #""webhook:slack" names no webhook"#] {
            #expect(!result.stderr.contains(unwanted), "an unknown preset is reported once: \(result.stderr)")
        }
        for expected in [
            #"alert "Low Balance": to: "webhook:pg" names no webhook of the job; did you mean "webhook:pd"?"#,
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected): \(result.stderr)")
        }
    }

    @Test func anEscalationOrAnOperatorNamingNoWebhookIsRefused() throws {
        let temp = TempFolder()
        let job = temp.url("job.json5")
        try """
        { state: "st", operators: ["webhook:noc"], webhooks: { slack: { preset: "slack", url: "https://hooks.example.com/x" } },
          inputs: { balances: { path: "in", pattern: "*.csv", expect_every: "2h" } },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["webhook:slack"], area: "balance", operator: "<", threshold: 10,
                      escalate: [ { after: "2h", to: ["webhook:slakc"] } ] } ] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        let result = try KlaxonBinary.run(["check", job])
        #expect(result.status == 1)
        #expect(result.stderr.contains(#""webhook:slakc" names no webhook of the job; did you mean "webhook:slack"?"#), "\(result.stderr)")
        #expect(result.stderr.contains(#"operators: "webhook:noc" names no webhook of the job"#), "\(result.stderr)")
    }

    @Test func aWebhookReachedOnlyByAnEscalationIsUsedAndWarnedAboutAsAnyOther() throws {
        let temp = TempFolder()
        let job = temp.url("job.json5")
        try """
        { state: "st", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          webhooks: { oncall: { preset: "pagerduty", url: "https://events.example.com/v2/enqueue", routing_key_env: "KLAXON_E2E_PD" } },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10,
                      escalate: [ { after: "2h", to: ["webhook:oncall"] } ] } ] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        let result = try KlaxonBinary.run(["check", job], environment: ["KLAXON_E2E_PD": "x"])
        #expect(!result.stderr.contains("no alert sends to it"), "\(result.stderr)")
        #expect(result.stderr.contains("webhook:oncall is pagerduty, but without send_reset: true"), "\(result.stderr)")
    }

    @Test func unsetWebhookSecretsAreWarningsAsForEveryOtherChannel() throws {
        let temp = TempFolder()
        let job = try write(temp, webhooks: """
        { slack: { preset: "slack", url_env: "KLAXON_E2E_UNSET_URL", headers: { "X-Key": "${KLAXON_E2E_UNSET_HEADER}" } },
          pd: { preset: "pagerduty", url: "https://events.example.com/v2/enqueue", routing_key_env: "KLAXON_E2E_SET_KEY" } }
        """)
        let result = try KlaxonBinary.run(["check", job], environment: ["KLAXON_E2E_SET_KEY": "k"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: \(job): webhooks.slack.url_env: the environment variable KLAXON_E2E_UNSET_URL is not set here"), "\(result.stderr)")
        #expect(result.stderr.contains("webhooks.slack.headers.X-Key: the environment variable KLAXON_E2E_UNSET_HEADER is not set here"))
        #expect(!result.stderr.contains("KLAXON_E2E_SET_KEY"))
    }

    @Test func checkWarnsOfAnUnusedWebhookAnIncidentNeverResolvedAndABadURLInTheEnvironment() throws {
        let temp = TempFolder()
        let job = try write(temp, webhooks: """
        { slack: { preset: "pagerduty", url_env: "KLAXON_E2E_PD_URL", routing_key_env: "KLAXON_E2E_PD_KEY" },
          spare: { preset: "slack", url: "https://hooks.example.com/x" }, am: { preset: "alertmanager", url: "http://127.0.0.1:9093" } }
        """, to: #"["webhook:slack", "webhook:am"]"#)
        let environment = ["KLAXON_E2E_PD_URL": "http://pd.example.com/v2/enqueue", "KLAXON_E2E_PD_KEY": "k"]
        let result = try KlaxonBinary.run(["check", job], environment: environment)
        #expect(result.status == 0, "warnings only: \(result.stderr)")
        for expected in [
            #"alert "Low Balance": send_reset: webhook:slack is pagerduty, but without send_reset: true a reset sends nothing and the PagerDuty incident stays open"#,
            #"alert "Low Balance": repeat: webhook:am is alertmanager, which ends an alert not sent again within its resolve_timeout"#,
            #"webhooks.spare: no alert sends to it (write "webhook:spare" in an alert's `to`)"#,
            "webhooks.slack.url_env: the value of KLAXON_E2E_PD_URL here is a plain http:// URL to another host: sending would be refused",
        ] {
            #expect(result.stderr.contains(expected), "missing \(expected): \(result.stderr)")
        }
        #expect(!result.stderr.contains("pd.example.com"), "the URL is a credential: never printed")
    }

    @Test func aDryRunShowsTheBodyWithoutTheURLVariableSet() throws {
        let temp = TempFolder()
        let job = try write(temp, webhooks: #"{ slack: { preset: "slack", url_env: "KLAXON_E2E_UNSET_URL" } }"#)
        try FileManager.default.createDirectory(atPath: temp.url("drop"), withIntermediateDirectories: true)
        try "id,name,credit\nC1,Acme,5\n".write(toFile: temp.url("drop/b.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3_600)], ofItemAtPath: temp.url("drop/b.csv"))
        let text = try String(contentsOfFile: job, encoding: .utf8).replacingOccurrences(of: #"state: "st","#, with: #"state: "st", inputs: { balances: { path: "drop" } },"#)
        try text.write(toFile: job, atomically: true, encoding: .utf8)
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T01:00:00Z", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("→ webhook:slack"), "\(result.stdout)")
        #expect(result.stdout.contains("Webhook slack (slack): POST the URL in $KLAXON_E2E_UNSET_URL\n{\"text\":\"*"), "\(result.stdout)")
    }

    @Test func theExampleJobsDryRunShowsItsSlackMessageWithoutTheURLSet() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--dry-run"], environment: ["KLAXON_SLACK_WEBHOOK_URL": ""])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("FIRED Carrier ASR Penalty / P30 → webhook:noc"), "\(result.stdout)")
        // The e-mail and SMS to the NOC go in its digest; the webhook stays one call per event.
        #expect(result.stdout.contains("DIGEST email → noc@example-telecom.example: 2 events"), "\(result.stdout)")
        #expect(result.stdout.contains("Webhook noc (slack): POST the URL in $KLAXON_SLACK_WEBHOOK_URL\n{\"text\":\"*[Example Telecom] Carrier ASR Penalty"))
    }
}
