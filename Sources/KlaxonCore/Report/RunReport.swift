/// The JSON run report written into the state folder (and to `--report`), behaviour.md "Operators' interfaces".
public struct RunReport: Sendable, Codable, Equatable {
    public struct Rows: Sendable, Codable, Equatable {
        public var read = 0
        public var folded = 0
        public var rejected = 0
        public var tooOld = 0
        public var inFuture = 0
    }

    public struct Timings: Sendable, Codable, Equatable {
        /// Reading the committed state (and the delivery journal).
        public var loadMilliseconds = 0
        public var ingestMilliseconds = 0
        public var evaluateMilliseconds = 0
        public var commitMilliseconds = 0
        public var deliverMilliseconds = 0
        /// Encoding the report's decisions (one per instance not `ok` or `held`),
        /// the part of the report that grows with the companies; the rest of
        /// the report is encoded after the timings are taken.
        public var reportMilliseconds = 0
        public var totalMilliseconds = 0
    }

    public var job: String
    public var now: String
    public var dryRun: Bool
    public var files: [FileReport] = []
    public var rows = Rows()
    public var alerts: [AlertSummary] = []
    public var decisions: [InstanceDecision] = []
    public var notifications: [Outbox.Outcome] = []
    public var penalties: [PenaltyAction] = []
    public var dropped: [String] = []
    public var warnings: [String] = []
    /// The inputs with `expect_every`, and whether each is stale (behaviour.md "Feed health and live files").
    public var feeds: [FeedStatus]?
    /// Dry runs only: each message as it would read.
    public var previews: [String]?
    public var timings = Timings()
    public var exitCode = 0

    public init(job: String, now: String, dryRun: Bool) {
        self.job = job
        self.now = now
        self.dryRun = dryRun
    }

    /// Rows rejected or dated in the future (a switch clock to fix), or files rejected,
    /// conflicting or refused: a dry run says so with its exit code as a real run does.
    public var inputNeedsAttention: Bool {
        rows.rejected > 0 || rows.inFuture > 0 || files.contains { $0.outcome.needsAttention }
    }

    /// 2 when rows or files were rejected or deliveries are pending or dead (behaviour.md "Operators' interfaces").
    public var computedExitCode: Int {
        let badInput = inputNeedsAttention
        let undelivered = notifications.contains { $0.result != .sent }
        return badInput || undelivered ? 2 : 0
    }
}
