/// The cumulative counters behind the metrics file's `_total` series (behaviour.md "Feed health and live files"),
/// kept in the state so that they only ever grow, as Prometheus counters must:
/// a per-run value under a counter's name would look like a reset on every run
/// and make `rate()` and `increase()` meaningless. Rows and files are counted
/// into the commit that takes them, so a run whose commit fails counts nothing
/// and the next run, reading the same files again, counts them once. Delivery
/// attempts happen after the commit: they are counted from the delivery journal
/// by the next run's load, into the next commit (see `countDeliveries`).
public struct RunCounters: Sendable, Codable, Equatable {
    /// "input\u{1F}outcome" → rows (`folded`, `rejected`, `too_old`, `in_future`).
    public var rows: [String: Int64] = [:]
    /// "input\u{1F}outcome" → files (`FileReport.Outcome`, except `waiting`).
    public var files: [String: Int64] = [:]
    /// "channel\u{1F}result" → delivery attempts (`sent`, `failed`, `dead`).
    public var notifications: [String: Int64] = [:]
    /// The last run that exited 0, as known at this state's commit: a backup for the
    /// metrics file's own value, at most one run older than it.
    public var lastSuccess: Int64?

    public init() {}

    static let rowOutcomes = ["folded", "rejected", "too_old", "in_future"]
    static let fileOutcomes: [FileReport.Outcome] = [.taken, .superseded, .rejected, .conflict, .duplicate, .refused]
    static let deliveryResults = ["sent", "failed", "dead"]

    static func key(_ a: String, _ b: String) -> String { a + "\u{1F}" + b }

    /// One run's files. A `waiting` file is no outcome yet: it is seen again every run until it settles.
    mutating func count(files reports: [FileReport]) {
        for f in reports where f.outcome != .waiting {
            files[Self.key(f.input, f.outcome.rawValue), default: 0] += 1
            let rowCounts = [f.folded, f.rejectedRows, f.tooOld, f.inFuture]
            for (outcome, n) in zip(Self.rowOutcomes, rowCounts) where n > 0 {
                rows[Self.key(f.input, outcome), default: 0] += Int64(n)
            }
        }
    }

    /// Delivery attempts recorded in the journal, each by its item's channel (`channels`:
    /// outbox item id → channel, taken before the journal removes delivered items).
    mutating func countDeliveries(_ entries: [DeliveryJournal.Entry], channels: [String: OutboxItem.Channel]) {
        for entry in entries {
            let (id, result): (String, String)
            switch entry {
            case .delivered(let i): (id, result) = (i, "sent")
            case .failed(let i, _, _, _): (id, result) = (i, "failed")
            case .dead(let i, _, _): (id, result) = (i, "dead")
            }
            // An item the outbox no longer holds leaves its channel unknown: not counted rather than guessed.
            guard let channel = channels[id] else { continue }
            notifications[Self.key(channel.rawValue, result), default: 0] += 1
        }
    }
}

extension KlaxonState {
    /// Counts one run's files and rows into the counters this state commits.
    mutating func countRun(files: [FileReport]) {
        var counters = meta.runCounters ?? RunCounters()
        counters.count(files: files)
        meta.runCounters = counters
    }

    /// Folds the delivery journal into the outbox, as `StateStore.loadCurrent` does, counting
    /// each recorded attempt first: the last run's deliveries go into this run's commit,
    /// which then clears the journal. (A run killed between its commit and that clear
    /// has them counted twice by the next; the journal is made to be applied twice, the
    /// counters only approximately.)
    mutating func applyCounting(_ journal: DeliveryJournal) {
        let entries = journal.entries()
        guard !entries.isEmpty else { return }
        var channels: [String: OutboxItem.Channel] = [:]
        for item in meta.outbox { channels[item.id] = item.channel }
        var counters = meta.runCounters ?? RunCounters()
        counters.countDeliveries(entries, channels: channels)
        meta.runCounters = counters
        journal.apply(to: &meta.outbox)
    }
}
