import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A run's e-mails to one SMTP server share one connection (`SMTPConnection`),
/// against the real aiosmtpd on loopback, which logs each connection it accepts.
@Suite("SMTP connection reuse", .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct SMTPConnectionTests {
    func job(_ server: LocalSMTPServer, _ scratch: Scratch) throws -> Job {
        try scratch.job("""
        { name: "reuse", state: "state",
          inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
          email: { url: "\(server.plainURL)", starttls: "off", from: "Klaxon <alerts@klaxon.test>" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["noc@example.test"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
    }

    func items(_ count: Int, badRecipientAt bad: Int? = nil) -> [OutboxItem] {
        (0..<count).map { n in
            let to = n == bad ? "bad@example.test" : "noc\(n)@example.test"
            return OutboxItem(id: "m\(n)", channel: .email, alert: "Low Balance", company: "C\(n)", kind: "fired", recipients: [to],
                              subject: "s\(n)", payload: "Message-ID: <\(n)@klaxon.test>\r\nSubject: s\(n)\r\n\r\nbody \(n)\r\n.\r\n",
                              createdAt: 1_000, nextAttempt: 0)
        }
    }

    func deliver(_ outbox: [OutboxItem], job: Job, _ scratch: Scratch) -> [Outbox.Outcome] {
        deliverThroughTransports(outbox, job: job, scratch)
    }

    @Test func aRunsMessagesGoOverOneConnection() throws {
        let server = try LocalSMTPServer()
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(items(25), job: try job(server, scratch), scratch)

        #expect(outcomes.allSatisfy { $0.result == .sent })
        let received = try server.received()
        #expect(received.count == 25)
        #expect(server.connections == 1)
        #expect(Set(received.map(\.peer)).count == 1)
        // Each message is its own transaction, byte for byte.
        let bodies = Set(received.map { String(decoding: $0.data, as: UTF8.self) })
        #expect(bodies == Set(items(25).map(\.payload)))
        #expect(Set(received.flatMap(\.rcptTos)) == Set(items(25).flatMap(\.recipients)))
    }

    @Test func aServerThatDropsTheConnectionAfterEachMessageStillGetsEveryOne() throws {
        let server = try LocalSMTPServer(.init(closeAfter: 1))
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(items(12), job: try job(server, scratch), scratch)

        #expect(outcomes.map(\.result) == Array(repeating: .sent, count: 12), "\(outcomes.compactMap(\.error))")
        let received = try server.received()
        #expect(received.count == 12, "each once: the retry on a new connection only follows a broken kept one")
        #expect(Set(received.map(\.peer)).count == 12)
        #expect(server.connections == 12)
    }

    @Test func aServerThatDropsTheConnectionAfterThreeMessagesGetsTheRestOnANewOne() throws {
        let server = try LocalSMTPServer(.init(closeAfter: 3))
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(items(10), job: try job(server, scratch), scratch)

        #expect(outcomes.allSatisfy { $0.result == .sent }, "\(outcomes.compactMap(\.error))")
        #expect(try server.received().count == 10)
        #expect(server.connections == 4)
    }

    @Test func aMessageTheServerTookWithoutReplyingIsAFailureNotSentAgainAtOnce() throws {
        var options = LocalSMTPServer.Options()
        options.dropReplyAt = 2
        let server = try LocalSMTPServer(options)
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(items(3), job: try job(server, scratch), scratch)

        #expect(outcomes.map(\.result) == [.sent, .failed, .sent], "\(outcomes.compactMap(\.error))")
        let bodies = try server.received().map { String(decoding: $0.data, as: UTF8.self) }
        #expect(bodies.filter { $0 == items(3)[1].payload }.count == 1, "the server got it once; the backoff decides when it is tried again")
        #expect(bodies.count == 3)
    }

    @Test func aRefusedRecipientFailsOnlyItsOwnMessage() throws {
        let server = try LocalSMTPServer(.init(rejectedRecipients: ["bad@example.test"]))
        defer { server.stop() }
        let scratch = Scratch()
        let outcomes = deliver(items(8, badRecipientAt: 3), job: try job(server, scratch), scratch)

        #expect(outcomes.map(\.result) == [.sent, .sent, .sent, .failed, .sent, .sent, .sent, .sent])
        let error = try #require(outcomes[3].error)
        #expect(error.contains("rejected") && error.contains("550"), "\(error)")
        #expect(try server.received().count == 7)
        // The refusal costs its own connection at most: libcurl closes a connection after a failed transaction.
        #expect(server.connections <= 2)
    }
}
