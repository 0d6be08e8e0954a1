/// What happened to one file in one run, for the run report.
public struct FileReport: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case taken, superseded, rejected, conflict, duplicate, waiting
        /// Never to be taken as it is: a link pointing outside the folder, a device, a pipe.
        case refused

        /// Outcomes an operator must act on: they make the run exit 2 and are printed on stderr.
        public var needsAttention: Bool { [.rejected, .conflict, .refused].contains(self) }
    }
    public var input: String
    public var name: String
    public var outcome: Outcome
    /// Why the file was not taken (or only partly); made printable and cut short, since it may quote the file.
    public var reason: String? {
        didSet { if let reason, Self.printable(reason) != reason { self.reason = Self.printable(reason) } }
    }
    public var rows: Int = 0
    public var folded: Int = 0
    public var rejectedRows: Int = 0
    public var tooOld: Int = 0
    public var inFuture: Int = 0
    /// The first rejections with file:line and reason; `rejectedRows` counts them all.
    public var rejections: [String] = []
    /// What the run did about this file's rejected rows, said on stderr (a balance snapshot's kept rows).
    public var warnings: [String]?
    /// Balance snapshot rows of companies of other shards (`clickhouse.shard`), read but not kept.
    public var otherShards: Int?

    public init(input: String, name: String, outcome: Outcome, reason: String? = nil) {
        self.input = input
        self.name = Self.printable(name)
        self.outcome = outcome
        self.reason = reason.map(Self.printable)
    }

    static let maxListedRejections = 50

    mutating func reject(path: String, line: Int, _ reason: String) {
        rejectedRows += 1
        if rejections.count < Self.maxListedRejections {
            rejections.append(Self.printable("\(path):\(line): \(reason)"))
        }
    }

    static let maxReasonLength = 500

    /// A reason quotes the file's own bytes: a megabyte-long field, or a CR or an escape
    /// sequence that would forge lines in a terminal or a cron mail.
    static func printable(_ reason: String) -> String {
        PrintableText.make(reason, limit: maxReasonLength)
    }
}

extension FileReport {
    /// Rows read but never to be counted, said per file with the reason, for stderr
    /// and the run report: a switch clock running ahead, or an export older than every window;
    /// and what was done about rejected rows (`warnings`).
    /// `oldestMinute`: the first minute the run keeps (`Job.oldestKeptMinute`), which `lag` moves back.
    static func droppedRowWarnings(_ files: [FileReport], now: Int64, oldestMinute: Int32, longestWindow: TimeSpan) -> [String] {
        var warnings: [String] = []
        let oldest = Int64(oldestMinute) * 60
        for f in files {
            for w in f.warnings ?? [] { warnings.append("\(f.input)/\(f.name): \(w)") }
            if f.inFuture > 0 {
                warnings.append("\(f.input)/\(f.name): \(f.inFuture) row\(f.inFuture == 1 ? "" : "s") dated more than 5 minutes after the run's clock (\(ValueFormatter.timestamp(now))) not counted, and never will be: is the switch's clock or the input's timezone wrong?")
            }
            if f.tooOld > 0 {
                warnings.append("\(f.input)/\(f.name): \(f.tooOld) row\(f.tooOld == 1 ? "" : "s") dated before \(ValueFormatter.timestamp(oldest)) not counted: older than the longest window (\(longestWindow)), so in no alert's window")
            }
        }
        return warnings
    }
}
