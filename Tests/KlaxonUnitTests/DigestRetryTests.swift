import Foundation
import Synchronization
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A digest that fails is retried on a later run as the same message (same id,
/// Message-ID and bytes); the later run's own events go into a digest of their own.
@Suite struct DigestRetryTests {
    /// Refuses everything while `down`, and records what it accepts.
    final class Gateway: DeliverySink {
        let down = Mutex(true)
        let accepted = Mutex<[OutboxItem]>([])
        func deliver(_ item: OutboxItem) throws(SendFailure) {
            if down.withLock({ $0 }) { throw SendFailure("connection refused") }
            accepted.withLock { $0.append(item) }
        }
    }

    @Test func aRetriedDigestIsTheSameMessageAndNewEventsGetTheirOwn() throws {
        let scratch = Scratch()
        scratch.write("drop/b-1.csv", "id,name,credit,currency\nC1,Alpha,5,USD\nC2,Beta,50,USD\n")
        let job = try scratch.job("""
        { name: "retry", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://h:25", from: "noc@example.com" },
          notify: { group: "recipient" }, delivery: { retry_backoff: "1m" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        let gateway = Gateway()
        let first = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z")), sink: gateway).run()
        #expect(first.notifications.map(\.result) == [.failed])
        let pending = try #require(try StateStore(directory: job.stateDirectory).loadCurrent().meta.outbox.first)
        #expect(pending.kind == "digest" && pending.digest?.companies == ["C1"])

        // The next run: C2 is low too, and the gateway is back.
        scratch.write("drop/b-2.csv", "id,name,credit,currency\nC1,Alpha,5,USD\nC2,Beta,3,USD\n")
        gateway.down.withLock { $0 = false }
        let second = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:10:00Z")), sink: gateway).run()
        #expect(second.notifications.map(\.result) == [.sent, .sent])
        let sent = gateway.accepted.withLock { $0 }
        #expect(sent.count == 2)
        let retried = try #require(sent.first { $0.id == pending.id })
        #expect(retried.payload == pending.payload, "the same bytes, Message-ID and Date as decided at 01:00")
        #expect(retried.payload.contains("Message-ID: <klaxon.\(pending.id)@example.com>"))
        #expect(retried.payload.contains("Alpha") && !retried.payload.contains("Beta"))
        let fresh = try #require(sent.first { $0.id != pending.id })
        #expect(fresh.digest?.companies == ["C2"], "C1 is still triggered, not fired again: only C2 is news at 01:10")
        #expect(try StateStore(directory: job.stateDirectory).loadCurrent().meta.outbox.isEmpty)
    }

    @Test func anOutboxItemWrittenBeforeDigestsExistedStillLoads() throws {
        let old = #"{"id":"a1","channel":"email","alert":"A","company":"C1","kind":"fired","recipients":["x@example.com"],"#
            + #""subject":"s","payload":"p","createdAt":1,"attempts":0,"nextAttempt":1,"dead":false}"#
        let item = try JSONDecoder().decode(OutboxItem.self, from: Data(old.utf8))
        #expect(item.digest == nil && item.kind == "fired")
        var digest = item
        digest.digest = OutboxItem.Digest(events: 2, companies: ["C1", "C2"], smsLeftOut: 0)
        #expect(try JSONDecoder().decode(OutboxItem.self, from: JSONEncoder().encode(digest)) == digest)
    }
}
