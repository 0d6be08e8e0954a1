/// What happened to one file in one run, for the run report.
public struct FileReport: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        case taken, superseded, rejected, conflict, duplicate, waiting
    }
    public var input: String
    public var name: String
    public var outcome: Outcome
    public var reason: String?
    public var rows: Int = 0
    public var folded: Int = 0
    public var rejectedRows: Int = 0
    public var tooOld: Int = 0
    public var inFuture: Int = 0
    /// The first rejections with file:line and reason; `rejectedRows` counts them all.
    public var rejections: [String] = []

    public init(input: String, name: String, outcome: Outcome, reason: String? = nil) {
        self.input = input
        self.name = name
        self.outcome = outcome
        self.reason = reason
    }

    static let maxListedRejections = 50

    mutating func reject(path: String, line: Int, _ reason: String) {
        rejectedRows += 1
        if rejections.count < Self.maxListedRejections { rejections.append("\(path):\(line): \(reason)") }
    }
}
