import Foundation

/// How `klaxon run` was asked to run.
public struct RunOptions: Sendable {
    /// The evaluation instant; the wall clock when nil.
    public var now: Date?
    /// Evaluate and show, change nothing on disk.
    public var dryRun = false
    /// Write messages as files into this folder instead of sending them.
    public var deliverTo: String?
    /// Also write the JSON run report here.
    public var reportPath: String?
    /// The real time, for settle checks; tests may move it.
    public var wallClock = Date()

    public init(now: Date? = nil, dryRun: Bool = false, deliverTo: String? = nil, reportPath: String? = nil) {
        self.now = now
        self.dryRun = dryRun
        self.deliverTo = deliverTo
        self.reportPath = reportPath
    }
}
