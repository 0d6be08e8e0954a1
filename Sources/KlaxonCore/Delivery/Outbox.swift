import Foundation
import KlaxonSystem

/// Step 6, after the commit: delivers what is due in the outbox, recording
/// each outcome in the journal so that nothing decided is lost (at-least-once).
public struct Outbox {
    let settings: DeliverySettings
    let journal: DeliveryJournal
    let penaltyLog: String
    let now: Int64

    public init(settings: DeliverySettings, journal: DeliveryJournal, penaltyLog: String, now: Int64) {
        self.settings = settings
        self.journal = journal
        self.penaltyLog = penaltyLog
        self.now = now
    }

    public struct Outcome: Sendable, Codable, Equatable {
        public enum Result: String, Sendable, Codable { case sent, failed, dead, waiting }
        public var id: String
        public var channel: OutboxItem.Channel
        public var alert: String?
        public var company: String?
        public var kind: String
        public var recipients: [String]
        public var subject: String?
        public var result: Result
        public var error: String?
        public var attempts: Int
        /// When a failed or waiting item is tried again (nil once sent or dead).
        public var retryAt: Int64? = nil
        /// What a digest holds; nil for a per-event message.
        public var digest: OutboxItem.Digest? = nil
    }

    /// At most this many outcomes, or this many seconds of sending, wait for
    /// the journal's next fsync: a kill before it only resends those messages.
    static let journalBatch = 64
    static let journalBatchSeconds = 1.0

    /// Delivers every pending item that is due; returns the outcome of each item in the outbox.
    /// Outcomes reach the journal in batches, each after its messages were
    /// handed over and made durable by the sink's session (`DeliverySession.settle`),
    /// and before `deliver` returns (at-least-once, one fsync a batch).
    /// A batch that cannot be written (a full disk) adds one warning: what was
    /// delivered but not recorded is sent again by the next run, never lost.
    public func deliver(_ outbox: inout [OutboxItem], through sink: any DeliverySink, warnings: inout [String]) -> [Outcome] {
        let session = sink.session()
        var outcomes: [Outcome] = []
        // With each item its place in the outbox: one that fails when its batch settles keeps its place.
        var remaining: [(place: Int, item: OutboxItem)] = []
        var pending: [DeliveryJournal.Entry] = []
        // Handed to the session and not settled yet: the item, its outcome's and its journal entry's places.
        var unsettled: [(item: OutboxItem, outcome: Int, entry: Int)] = []
        var batchStarted = Date()
        var unrecorded = 0
        var journalError = ""
        func flush() {
            let unsaved = session.settle()
            for (item, o, e) in unsettled {
                guard let failure = unsaved[item.id] else { continue }
                var item = item
                (pending[e], outcomes[o]) = failed(&item, failure)
                remaining.append((o, item))
            }
            unsettled.removeAll(keepingCapacity: true)
            do { try journal.append(contentsOf: pending) } catch {
                unrecorded += pending.count
                journalError = error.description
            }
            pending.removeAll(keepingCapacity: true)
        }
        let batch = session.settleEvery
        for var item in outbox {
            if (batch.map { pending.count >= $0 } ?? false) || (!pending.isEmpty && Date().timeIntervalSince(batchStarted) >= Self.journalBatchSeconds) {
                flush()
            }
            if pending.isEmpty { batchStarted = Date() }
            if item.dead || item.nextAttempt > now {
                outcomes.append(outcome(of: item, item.dead ? .dead : .waiting))
                remaining.append((outcomes.count - 1, item))
                continue
            }
            item.attempts += 1
            do throws(SendFailure) {
                if item.channel == .penaltyLog {
                    do { try AtomicFile.appendLine(item.payload, to: penaltyLog) } catch { throw SendFailure(error.description) }
                } else {
                    try session.deliver(item)
                    unsettled.append((item, outcomes.count, pending.count))
                }
                // Journaled after the send, with its batch: a kill before that resends it (at-least-once, never lost).
                pending.append(.delivered(id: item.id))
                outcomes.append(outcome(of: item, .sent))
            } catch {
                let (entry, result) = failed(&item, error)
                pending.append(entry)
                outcomes.append(result)
                remaining.append((outcomes.count - 1, item))
            }
        }
        // Before the outbox and outcomes are handed back: the last settle may still turn sends into failures.
        flush()
        if unrecorded > 0 {
            warnings.append("\(unrecorded) delivery outcome(s) could not be recorded (\(journalError)); what was delivered will be sent again by the next run")
        }
        outbox = remaining.sorted { $0.place < $1.place }.map(\.item)
        return outcomes
    }

    /// An attempt that failed: the item waits for its next attempt, or is dead.
    private func failed(_ item: inout OutboxItem, _ error: SendFailure) -> (DeliveryJournal.Entry, Outcome) {
        item.lastError = error.description
        let wait = waitAsked(by: error, for: item)
        if let refusal = wait.refusal { item.lastError = refusal }
        if error.permanent || wait.refusal != nil || now - item.createdAt >= settings.giveUpAfter.seconds {
            item.dead = true
            return (.dead(id: item.id, attempts: item.attempts, error: item.lastError ?? error.description), outcome(of: item, .dead))
        }
        item.nextAttempt = max(now + backoff(afterAttempt: item.attempts), wait.notBefore ?? 0)
        return (.failed(id: item.id, attempts: item.attempts, nextAttempt: item.nextAttempt, error: error.description), outcome(of: item, .failed))
    }

    private func outcome(of item: OutboxItem, _ r: Outcome.Result) -> Outcome {
        // A retry that succeeded is not reported with the error of the attempt before it.
        Outcome(id: item.id, channel: item.channel, alert: item.alert, company: item.company, kind: item.kind,
                recipients: item.recipients, subject: item.subject, result: r, error: r == .sent ? nil : item.lastError,
                attempts: item.attempts, retryAt: r == .failed || r == .waiting ? item.nextAttempt : nil, digest: item.digest)
    }

    /// Doubling from `retry_backoff`, capped at six hours so a long outage is still retried a few times a day.
    func backoff(afterAttempt attempts: Int) -> Int64 {
        let base = max(settings.retryBackoff.seconds, 1)
        let factor = Int64(1) << Int64(min(max(attempts - 1, 0), 20))
        return min(base * factor, 6 * 3_600)
    }
}
