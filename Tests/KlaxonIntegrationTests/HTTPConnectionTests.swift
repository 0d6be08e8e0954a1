import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A run's SMS and webhook calls share kept HTTP connections (`HTTPConnections`),
/// against the real loopback HTTP server, which records each request's client port.
@Suite("HTTP connection reuse", .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct HTTPConnectionTests {
    func job(_ scratch: Scratch, smsURL: String, penaltyURL: String? = nil) throws -> Job {
        let penalties = penaltyURL.map { ", penalties: { webhook: { url: \"\($0)\" } }" } ?? ""
        return try scratch.job("""
        { name: "reuse", state: "state",
          inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
          sms: { provider: "webhook", url: "\(smsURL)" }\(penalties),
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["+15550100"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
    }

    func sms(_ count: Int, from first: Int = 0) -> [OutboxItem] {
        (first..<first + count).map { n in
            OutboxItem(id: "s\(n)", channel: .sms, alert: "Low Balance", company: "C\(n)", kind: "fired", recipients: ["+1555010\(n)"],
                       subject: nil, payload: #"{"to":"+1555010\#(n)","body":"balance low \#(n)"}"#, createdAt: 1_000, nextAttempt: 0)
        }
    }

    func deliver(_ outbox: [OutboxItem], job: Job, _ scratch: Scratch) -> [Outbox.Outcome] {
        deliverThroughTransports(outbox, job: job, scratch)
    }

    func bodies(_ received: [LocalHTTPServer.Received]) -> [String] {
        received.map { String(decoding: $0.body, as: UTF8.self) }.sorted()
    }

    @Test func aRunsSMSGoOverOneConnection() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(sms(25), job: try job(scratch, smsURL: server.url("/ok")), scratch)

        #expect(outcomes.count == 25)
        #expect(outcomes.allSatisfy { $0.result == .sent })
        let received = try server.received()
        #expect(received.count == 25)
        #expect(Set(received.map(\.peer)).count == 1)
        // Each request is whole and its own: every SMS's text arrived exactly once.
        for n in 0..<25 {
            #expect(bodies(received).filter { $0.contains("balance low \(n)\"") }.count == 1, "SMS \(n)")
        }
    }

    @Test func aServerThatClosesAfterEachAnswerStillGetsEverySMSOnce() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(sms(12), job: try job(scratch, smsURL: server.url("/ok?close=1")), scratch)

        #expect(outcomes.allSatisfy { $0.result == .sent })
        let received = try server.received()
        #expect(received.count == 12, "each SMS once: a dropped idle connection is replaced, nothing is sent twice")
        #expect(Set(bodies(received)).count == 12)
        #expect(Set(received.map(\.peer)).count == 12)
    }

    @Test func aFailedAnswerLeavesTheNextSMSToBeSent() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let scratch = Scratch()
        // The first request to the scripted path is refused with 500, the rest are taken.
        let outcomes = deliver(sms(6), job: try job(scratch, smsURL: server.url("/scripted/500,201")), scratch)

        #expect(outcomes.map(\.result).filter { $0 == .sent }.count == 5)
        #expect(outcomes.map(\.result).filter { $0 == .failed }.count == 1)
        let received = try server.received()
        #expect(received.count == 6)
        #expect(Set(received.map(\.peer)).count <= 2)
    }

    @Test func smsAndPenaltyWebhooksToTheSameServerShareTheConnection() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let scratch = Scratch()
        let job = try job(scratch, smsURL: server.url("/ok"), penaltyURL: server.url("/ok?hook=penalty"))
        let hooks = (0..<4).map { n in
            OutboxItem(id: "p\(n)", channel: .webhook, alert: "Low Balance", company: "C\(n)", kind: "penalty", recipients: [],
                       subject: nil, payload: #"{"company":"C\#(n)"}"#, createdAt: 1_000, nextAttempt: 0)
        }
        let outcomes = deliver(sms(4) + hooks + sms(4, from: 4), job: job, scratch)

        #expect(outcomes.count == 12)
        #expect(outcomes.allSatisfy { $0.result == .sent })
        let received = try server.received()
        #expect(received.count == 12)
        #expect(received.filter { $0.path.contains("hook=penalty") }.count == 4)
        #expect(Set(received.map(\.peer)).count == 1)
    }
}
