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
    /// handed over and before `deliver` returns (at-least-once, one fsync a batch).
    /// A batch that cannot be written (a full disk) adds one warning: what was
    /// delivered but not recorded is sent again by the next run, never lost.
    public func deliver(_ outbox: inout [OutboxItem], through sink: any DeliverySink, warnings: inout [String]) -> [Outcome] {
        var outcomes: [Outcome] = []
        var remaining: [OutboxItem] = []
        var pending: [DeliveryJournal.Entry] = []
        var batchStarted = Date()
        var unrecorded = 0
        var journalError = ""
        func flush() {
            do { try journal.append(contentsOf: pending) } catch {
                unrecorded += pending.count
                journalError = error.description
            }
            pending.removeAll(keepingCapacity: true)
        }
        defer {
            flush()
            if unrecorded > 0 {
                warnings.append("\(unrecorded) delivery outcome(s) could not be recorded (\(journalError)); what was delivered will be sent again by the next run")
            }
        }
        for var item in outbox {
            if pending.count >= Self.journalBatch || (!pending.isEmpty && Date().timeIntervalSince(batchStarted) >= Self.journalBatchSeconds) {
                flush()
            }
            if pending.isEmpty { batchStarted = Date() }
            func outcome(_ r: Outcome.Result) -> Outcome {
                // A retry that succeeded is not reported with the error of the attempt before it.
                Outcome(id: item.id, channel: item.channel, alert: item.alert, company: item.company, kind: item.kind,
                        recipients: item.recipients, subject: item.subject, result: r, error: r == .sent ? nil : item.lastError,
                        attempts: item.attempts, retryAt: r == .failed || r == .waiting ? item.nextAttempt : nil, digest: item.digest)
            }
            if item.dead || item.nextAttempt > now {
                outcomes.append(outcome(item.dead ? .dead : .waiting))
                remaining.append(item)
                continue
            }
            item.attempts += 1
            do throws(SendFailure) {
                if item.channel == .penaltyLog {
                    do { try AtomicFile.appendLine(item.payload, to: penaltyLog) } catch { throw SendFailure(error.description) }
                } else {
                    try sink.deliver(item)
                }
                // Journaled after the send, with its batch: a kill before that resends it (at-least-once, never lost).
                pending.append(.delivered(id: item.id))
                outcomes.append(outcome(.sent))
            } catch {
                item.lastError = error.description
                let wait = waitAsked(by: error, for: item)
                if let refusal = wait.refusal { item.lastError = refusal }
                if error.permanent || wait.refusal != nil || now - item.createdAt >= settings.giveUpAfter.seconds {
                    item.dead = true
                    pending.append(.dead(id: item.id, attempts: item.attempts, error: item.lastError ?? error.description))
                    outcomes.append(outcome(.dead))
                } else {
                    item.nextAttempt = max(now + backoff(afterAttempt: item.attempts), wait.notBefore ?? 0)
                    pending.append(.failed(id: item.id, attempts: item.attempts, nextAttempt: item.nextAttempt, error: error.description))
                    outcomes.append(outcome(.failed))
                }
                remaining.append(item)
            }
        }
        outbox = remaining
        return outcomes
    }

    /// Doubling from `retry_backoff`, capped at six hours so a long outage is still retried a few times a day.
    func backoff(afterAttempt attempts: Int) -> Int64 {
        let base = max(settings.retryBackoff.seconds, 1)
        let factor = Int64(1) << Int64(min(max(attempts - 1, 0), 20))
        return min(base * factor, 6 * 3_600)
    }
}
