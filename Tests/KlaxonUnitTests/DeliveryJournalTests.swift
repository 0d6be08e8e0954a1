import Foundation
import Synchronization
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The journal is written in batches (one fsync each): every outcome must
/// still be in it when `deliver` returns, in order, so the next load applies it.
@Suite("Delivery journal")
struct DeliveryJournalTests {
    /// Accepts every item except those whose id ends in "7".
    final class PickySink: DeliverySink {
        let accepted = Mutex<[String]>([])
        func deliver(_ item: OutboxItem) throws(SendFailure) {
            if item.id.hasSuffix("7") { throw SendFailure("refused") }
            accepted.withLock { $0.append(item.id) }
        }
    }

    func item(_ n: Int) -> OutboxItem {
        OutboxItem(id: "m\(n)", channel: .sms, alert: "A", company: "C\(n)", kind: "fire", recipients: ["+15550100"],
                   subject: nil, payload: "{}", createdAt: 1_000, nextAttempt: 0)
    }

    @Test func everyOutcomeOfSeveralBatchesIsJournaledBeforeDeliverReturns() throws {
        let scratch = Scratch()
        let journal = DeliveryJournal(path: scratch.url("delivery.journal"))
        let count = 2 * Outbox.journalBatch + 5
        let committed = (0..<count).map(item)
        var outbox = committed
        let sink = PickySink()
        var warnings: [String] = []
        let outcomes = Outbox(settings: DeliverySettings(), journal: journal, penaltyLog: scratch.url("penalties.log"), now: 1_000)
            .deliver(&outbox, through: sink, warnings: &warnings)
        #expect(warnings.isEmpty)

        #expect(outcomes.count == count)
        let entries = journal.entries()
        #expect(entries.count == count)
        #expect(entries.first == .delivered(id: "m0"))
        #expect(entries[7] == .failed(id: "m7", attempts: 1, nextAttempt: 1_300, error: "refused"))
        // What the next run starts from: the committed outbox with the journal applied.
        var reloaded = committed
        journal.apply(to: &reloaded)
        #expect(reloaded.map(\.id) == outbox.map(\.id))
        #expect(reloaded.allSatisfy { $0.id.hasSuffix("7") && $0.attempts == 1 })
        #expect(sink.accepted.withLock { $0.count } == count - reloaded.count)
    }
}
