import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `notify`, `sms.max_segments` and the `digest` templates as the job loader (and so
/// `klaxon check`) validates them.
@Suite struct DigestJobTests {
    private func load(_ extra: String, sms: String = "", templates: [String: String] = [:], template: String = "alert") -> (Job?, [String]) {
        let scratch = Scratch()
        for (name, source) in templates { scratch.write("templates/\(name)", source) }
        scratch.write("job.json5", """
        { state: "st", templates: "templates", email: { url: "smtp://h:25", from: "noc@example.com" },
          sms: { provider: "webhook", url: "http://127.0.0.1:9/sms" \(sms) }, \(extra)
          alerts: [ { title: "T", company: "C1", to: ["a@example.com"], area: "balance", operator: "<", threshold: 1, template: "\(template)" } ] }
        """)
        if templates.isEmpty { try? FileManager.default.createDirectory(atPath: scratch.url("templates"), withIntermediateDirectories: true) }
        let folder = scratch.url("templates") + "/"
        switch JobLoader.load(scratch.url("job.json5")) {
        case .success(let job): return (job, [])
        case .failure(let error): return (nil, error.problems.map { $0.description.replacingOccurrences(of: folder, with: "") })
        }
    }

    @Test func groupingDefaultsToOneMessagePerEvent() {
        #expect(load("").0?.notify.group == NotifySettings.Group.none)
        #expect(load(#"notify: { group: "recipient" },"#).0?.notify.group == .recipient)
        #expect(load("").0?.sms?.maxSegments == 3)
        #expect(load("", sms: ", max_segments: 5").0?.sms?.maxSegments == 5)
    }

    @Test(arguments: [
        (#"notify: { group: "recipients" },"#, #"notify.group: unknown grouping "recipients" (did you mean "recipient"?); write "none""#),
        (#"notify: { group: "recipient", by: "company" },"#, "notify.by: unknown field"),
        (#"notify: "recipient","#, "notify: expected an object, found a string"),
    ])
    func aBadNotifySettingIsNamed(text: String, message: String) {
        let problems = load(text).1
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains(message) == true, "\(problems)")
    }

    @Test(arguments: [", max_segments: 0", ", max_segments: 11", ", max_segments: 2.5", #", max_segments: "many""#])
    func aBadMaxSegmentsIsNamed(text: String) {
        let problems = load("", sms: text).1
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("sms.max_segments") == true, "\(problems)")
    }

    @Test func aFolderDigestTemplateMayUseTheDigestVariablesAndReplacesTheBuiltInOne() throws {
        let (job, problems) = load(#"notify: { group: "recipient" },"#, templates: [
            "digest.subject": "{{count}} events ({{fired_count}} new, {{repeat_count}} again, {{reset_count}} resolved) for {{recipient}}",
            "digest.txt": "{{#events}}{{title}}/{{company.id}} {{kind}}\n{{/events}}{{summary}}",
        ])
        #expect(problems.isEmpty, "\(problems)")
        let j = try #require(job)
        let alert = try #require(j.alerts.first)
        let events = [AlertEvent(alert: alert, company: Company(id: "C1"), kind: .fired, value: 0.5, message: nil, window: nil, penaltyUntil: nil, now: 0)]
        let rendered = DigestRenderer(job: j, now: 0).render(events, recipient: "a@example.com")
        #expect(rendered.subject == "1 events (1 new, 0 again, 0 resolved) for a@example.com")
        #expect(rendered.text == "T/C1 fired\n1 alert firing")
        #expect(rendered.html == nil, "the folder's digest replaces the built-in one whole")
        #expect(rendered.sms == rendered.subject, "without digest.sms, the SMS is the subject, as for any template")
    }

    @Test func eachEventCarriesItsOwnAlertTemplatesSubjectAndSMS() throws {
        let (job, problems) = load(#"notify: { group: "recipient" },"#, templates: [
            "low.subject": "Low: {{name}} at {{value}}", "low.txt": "x", "low.sms": "LOW {{company.id}}",
            "digest.subject": "{{count}}", "digest.txt": "{{#events}}{{subject}} | {{sms}}\n{{/events}}",
        ], template: "low")
        #expect(problems.isEmpty, "\(problems)")
        let j = try #require(job)
        let alert = try #require(j.alerts.first)
        let events = [AlertEvent(alert: alert, company: Company(id: "C7", name: "Seven"), kind: .fired, value: 0.5, message: nil, window: nil, penaltyUntil: nil, now: 0)]
        #expect(DigestRenderer(job: j, now: 0).render(events).text == "Low: Seven at 0.50 | LOW C7\n")
    }

    @Test func digestVariablesAreUnknownInAnAlertTemplateAndTyposInTheDigestAreLocated() {
        let problems = load("", templates: [
            "x.subject": "{{count}}", "x.txt": "x",
            "digest.subject": "{{summary}}", "digest.txt": "{{#evnets}}{{title}}{{/evnets}}",
        ], template: "x").1
        #expect(problems.contains { $0.hasPrefix("x.subject: line 1, column 1: unknown variable {{count}}") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("digest.txt: line 1, column 1: unknown variable {{evnets}}; did you mean {{events}}?") }, "\(problems)")
    }

    @Test func anAlertCannotUseTheDigestTemplate() {
        let problems = load("", template: "digest").1
        #expect(problems.count == 1, "\(problems)")
        #expect(problems.first?.contains("\"digest\" is the template of grouped notifications") == true, "\(problems)")
    }

    @Test func theBuiltInDigestEscapesHTMLAndListsEveryEvent() throws {
        let (job, _) = load(#"notify: { group: "recipient" },"#)
        let j = try #require(job)
        let alert = try #require(j.alerts.first)
        let events = ["<b>Evil</b> & Co", "Plain"].enumerated().map { i, name in
            AlertEvent(alert: alert, company: Company(id: "C\(i)", name: name), kind: i == 0 ? .fired : .reset, value: 0.5, message: nil, window: nil, penaltyUntil: nil, now: 0)
        }
        let rendered = DigestRenderer(job: j, now: 0).render(events)
        let html = try #require(rendered.html)
        #expect(html.contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co"))
        #expect(!html.contains("<b>Evil"))
        #expect(rendered.text.contains("FIRING T (none): <b>Evil</b> & Co (C0)"), "\(rendered.text)")
        #expect(rendered.text.contains("RESOLVED T (none): Plain (C1)"), "\(rendered.text)")
        #expect(rendered.subject == "1 alert firing, 1 resolved")
    }

    @Test func theDigestShowsTimesInTheJobsTimezoneAndSaysWhatEscalated() throws {
        let (job, problems) = load(#"notify: { group: "recipient" }, timezone: "Europe/Berlin","#)
        #expect(problems.isEmpty, "\(problems)")
        let j = try #require(job)
        let alert = try #require(j.alerts.first)
        let now = epoch("2026-11-27T01:00:00Z")
        let events = [NotificationKind.repeat, .escalated].enumerated().map { i, kind in
            AlertEvent(alert: alert, company: Company(id: "C\(i)"), kind: kind, value: 0.5, message: nil, window: nil, penaltyUntil: nil, now: now)
        }
        let rendered = DigestRenderer(job: j, now: now).render(DigestOrder.sorted(events))
        #expect(rendered.text.contains("2 alerts firing at 2026-11-27T02:00:00+01:00."), "\(rendered.text)")
        let kinds = rendered.text.split(separator: "\n").filter { $0.contains(" T (none)") }.map { $0.split(separator: " ").first ?? "" }
        #expect(kinds == ["ESCALATED", "STILL"], "an escalation before a plain repeat: \(rendered.text)")
        #expect(rendered.sms.contains("\nescalated: T C1"), "\(rendered.sms)")
    }
}
