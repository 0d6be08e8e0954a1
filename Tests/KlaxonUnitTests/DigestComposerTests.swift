import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Grouped notifications (behaviour.md "Grouped notifications"): who gets which digest, in which order, within which SMS length.
@Suite struct DigestComposerTests {
    static let now = epoch("2026-11-27T01:00:00Z")

    func job(_ scratch: Scratch, group: String = "recipient", sms: String = "") throws -> Job {
        try scratch.job("""
        { name: "j", state: "state", brand: "ACME", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://h:25", from: "noc@example.com" },
          sms: { provider: "webhook", url: "http://127.0.0.1:9/sms" \(sms) },
          notify: { group: "\(group)" },
          alerts: [
            { title: "Low Balance", scope: { type: "customer" }, to: ["contacts", "noc@example.com", "+15550100"],
              area: "balance", operator: "<", threshold: 10, level: "warning", penalty: "1h" },
            { title: "Carrier Down", scope: { type: "carrier" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 0, level: "error" },
            { title: "Quiet", scope: { type: "customer" }, to: [], area: "balance", operator: "<", threshold: 0, penalty: "1h" },
          ] }
        """)
    }

    func event(_ job: Job, _ title: String, _ company: Company, _ kind: NotificationKind = .fired, value: Double = 1) throws -> AlertEvent {
        let alert = try #require(job.alerts.first { $0.title == title })
        return AlertEvent(alert: alert, company: company, kind: kind, value: value, message: nil, window: nil, penaltyUntil: nil, now: Self.now)
    }

    func compose(_ job: Job, _ events: [AlertEvent], penalties: [PenaltyAction] = []) -> NotificationComposer.Composed {
        NotificationComposer(job: job, now: Self.now).compose(events: events, penaltyActions: penalties)
    }

    func items(_ composed: NotificationComposer.Composed, to recipient: String) -> [OutboxItem] {
        composed.items.filter { $0.recipients.contains(recipient) }
    }

    @Test func threeHundredFiringsMakeOneEmailAndOneSMSPerRecipient() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let events = try (1...300).map { try event(job, "Low Balance", Company(id: String(format: "C%03d", $0), currency: "USD")) }
        let composed = compose(job, events)
        #expect(composed.items.count == 2)
        let mail = try #require(items(composed, to: "noc@example.com").first)
        #expect(mail.channel == .email && mail.kind == "digest")
        #expect(mail.subject == "[ACME] 300 alerts firing")
        #expect(mail.digest?.events == 300)
        #expect(mail.payload.contains("C001") && mail.payload.contains("C300"))
        let sms = try #require(items(composed, to: "+15550100").first)
        let body = try #require(try JSONDecoder().decode([String: String].self, from: Data(sms.payload.utf8))["body"])
        let leftOut = try #require(sms.digest?.smsLeftOut)
        #expect(leftOut > 0)
        #expect(body.hasSuffix("\n+\(leftOut) more"), "\(body)")
        #expect(SMSSegments.count(body) <= 3)
        #expect(body.split(separator: "\n").count == 1 + (300 - leftOut) + 1, "summary, the events shown, +N more")
        #expect(composed.warnings.isEmpty && composed.unnotified == 0)
    }

    @Test func theSMSKeepsAsManyEventsAsFitAndNoMore() throws {
        let scratch = Scratch()
        for segments in 1...4 {
            let job = try job(scratch, sms: ", max_segments: \(segments)")
            let events = DigestOrder.sorted(try (1...60).map { try event(job, "Low Balance", Company(id: "C\($0)", currency: "USD"), value: Double($0)) })
            let rendered = DigestRenderer(job: job, now: Self.now).render(events)
            #expect(SMSSegments.count(rendered.sms) <= segments)
            let shown = 60 - rendered.smsLeftOut
            let lines = { (k: Int) in events.prefix(k).map { "Low Balance \($0.company.id) \(String(format: "%.2f", $0.value ?? 0)) USD" } }
            #expect(rendered.sms == (["ACME: 60 alerts firing"] + lines(shown) + ["+\(60 - shown) more"]).joined(separator: "\n"))
            // One more event would not have fitted: the cut is as late as it can be.
            let oneMore = (["ACME: 60 alerts firing"] + lines(shown + 1) + ["+\(60 - shown - 1) more"]).joined(separator: "\n")
            #expect(!SMSSegments.fits(oneMore, within: segments), "\(segments) segments: \(shown) shown")
        }
    }

    @Test func aSummaryTooLongForItsSegmentsIsCutItself() {
        let (body, leftOut) = DigestRenderer.fit(count: 5, maxSegments: 1) { _ in String(repeating: "x", count: 400) }
        #expect(leftOut == 5)
        #expect(body.count == 160 && body.hasSuffix("x\n+5 more"))
    }

    @Test func aContactHearsOnlyOfItsOwnCompany() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let c1 = Company(id: "C1", name: "Alpha", emails: ["ops@c1.example"], phones: ["+15550101"])
        let c2 = Company(id: "C2", name: "Beta", emails: ["ops@c2.example", "shared@reseller.example"])
        let c3 = Company(id: "C3", name: "Gamma", emails: ["Shared@Reseller.example"])
        let composed = compose(job, try [event(job, "Low Balance", c1), event(job, "Low Balance", c2), event(job, "Low Balance", c3)])
        #expect(items(composed, to: "ops@c1.example").map { $0.digest?.companies ?? [] } == [["C1"]])
        #expect(items(composed, to: "+15550101").map { $0.digest?.companies ?? [] } == [["C1"]])
        #expect(items(composed, to: "ops@c2.example").map { $0.digest?.companies ?? [] } == [["C2"]])
        let reseller = composed.items.filter { $0.recipients.map { $0.lowercased() } == ["shared@reseller.example"] }
        #expect(reseller.map { $0.digest?.companies ?? [] } == [["C2"], ["C3"]], "one digest per company, never mixed")
        let c1Mail = try #require(items(composed, to: "ops@c1.example").first)
        #expect(!c1Mail.payload.contains("Beta"))
        #expect(items(composed, to: "noc@example.com").first?.digest?.companies == ["C1", "C2", "C3"])
        #expect(items(composed, to: "ops@c1.example").first?.subject == "[ACME] 1 alert firing — Alpha")
    }

    @Test func anAddressBothNamedAndAContactGetsOneDigestOfEverything() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let c1 = Company(id: "C1", emails: ["NOC@example.com"])
        let c2 = Company(id: "C2")
        let composed = compose(job, try [event(job, "Low Balance", c1), event(job, "Low Balance", c2)])
        let noc = composed.items.filter { $0.channel == .email }
        #expect(noc.count == 1)
        #expect(noc.first?.digest?.events == 2, "C1's event is listed once, not once per way the address was reached")
        #expect(noc.first?.company == nil)
    }

    @Test func eventsAreOrderedByLevelThenKindThenAlertThenCompany() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        var none = try event(job, "Low Balance", Company(id: "A"))
        none.alert.level = .none
        let events = try [
            none,
            event(job, "Low Balance", Company(id: "B"), .reset),
            event(job, "Low Balance", Company(id: "B"), .repeat),
            event(job, "Low Balance", Company(id: "E"), .escalated),
            event(job, "Low Balance", Company(id: "Z")),
            event(job, "Low Balance", Company(id: "C")),
            event(job, "Carrier Down", Company(id: "P9", type: .carrier), .reset),
            event(job, "Carrier Down", Company(id: "P1", type: .carrier)),
        ]
        let order = DigestOrder.sorted(events).map { "\($0.alert.level.rawValue) \($0.kind.rawValue) \($0.company.id)" }
        #expect(order == ["error fired P1", "error reset P9", "warning fired C", "warning fired Z", "warning escalated E", "warning repeat B", "warning reset B", "none fired A"])
    }

    @Test(arguments: [
        ([NotificationKind.fired, .fired, .repeat, .reset], "3 alerts firing, 1 resolved"),
        ([.fired], "1 alert firing"),
        ([.reset, .reset], "2 alerts resolved"),
        ([.repeat, .reset], "1 alert firing, 1 resolved"),
        ([.escalated, .fired], "2 alerts firing"),
    ])
    func theSubjectSummarises(kinds: [NotificationKind], summary: String) throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let events = try kinds.enumerated().map { try event(job, "Carrier Down", Company(id: "P\($0.offset)"), $0.element) }
        #expect(DigestRenderer.summary(events) == summary)
        #expect(compose(job, events).items.first?.subject == "[ACME] " + summary)
    }

    @Test func aTestStaysItsOwnMessageAndPenaltiesAreUnaffected() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let test = try event(job, "Carrier Down", Company(id: "P1"), .test)
        let composed = compose(job, [test])
        #expect(composed.items.map(\.kind) == ["test"])
        #expect(composed.items.first?.subject?.hasPrefix("[TEST]") == true)
        let action = PenaltyAction(kind: .apply, company: "C1", type: .customer, until: Self.now + 3_600, alert: "Low Balance", at: Self.now)
        let grouped = compose(job, [try event(job, "Low Balance", Company(id: "C1"))], penalties: [action])
        let plain = compose(try self.job(scratch, group: "none"), [try event(job, "Low Balance", Company(id: "C1"))], penalties: [action])
        #expect(grouped.items.filter { $0.channel == .penaltyLog } == plain.items.filter { $0.channel == .penaltyLog })
    }

    @Test func aPenaltyOnlyAlertStaysSilentAndAnUnreachableEventIsSaid() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let quiet = compose(job, [try event(job, "Quiet", Company(id: "C1"))])
        #expect(quiet.items.isEmpty && quiet.warnings.isEmpty && quiet.unnotified == 0)
        var contactsOnly = try event(job, "Low Balance", Company(id: "C9"))
        contactsOnly.alert.recipients = [.contacts]
        let unreached = compose(job, [contactsOnly])
        #expect(unreached.unnotified == 1)
        #expect(unreached.warnings.contains { $0.contains("notified no one") && $0.contains("C9") })
    }

    @Test func theSameRunComposesTheSameDigestsWithStableIds() throws {
        let scratch = Scratch()
        let job = try job(scratch)
        let events = try [event(job, "Low Balance", Company(id: "C1")), event(job, "Carrier Down", Company(id: "P1"))]
        let first = compose(job, events)
        let again = compose(job, events.reversed())
        #expect(first.items == again.items, "the same events compose the same bytes, whatever order they came in")
        let later = NotificationComposer(job: job, now: Self.now + 600).compose(events: events, penaltyActions: [])
        #expect(Set(later.items.map(\.id)).isDisjoint(with: first.items.map(\.id)))
        let mail = try #require(first.items.first { $0.channel == .email })
        #expect(mail.payload.contains("Message-ID: <klaxon.\(mail.id)@example.com>"))
    }

    @Test func withoutGroupingEveryEventIsItsOwnMessage() throws {
        let scratch = Scratch()
        let job = try job(scratch, group: "none")
        let events = try (1...3).map { try event(job, "Low Balance", Company(id: "C\($0)")) }
        let composed = compose(job, events)
        #expect(composed.items.filter { $0.channel == .email }.count == 3)
        #expect(composed.items.filter { $0.channel == .sms }.count == 3)
        #expect(!composed.items.contains { $0.kind == "digest" })
    }
}
