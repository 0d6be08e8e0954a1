/// One thing wrong with a job, named precisely enough to fix without guessing:
/// the file, the alert (when it is about one), the field, and what to write instead.
public struct Problem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var alert: String?
    public var field: String?
    public var message: String

    public init(file: String, alert: String? = nil, field: String? = nil, message: String) {
        self.file = file
        self.alert = alert
        self.field = field
        self.message = message
    }

    /// One line, whatever the job wrote: a CR or LF in a title or a quoted value is shown escaped.
    public var description: String {
        var parts = [file]
        if let alert { parts.append("alert \"\(alert)\"") }
        if let field { parts.append(field) }
        return PrintableText.make(parts.joined(separator: ": ") + ": " + message)
    }
}

/// Collects every problem before anyone decides the outcome, so that
/// `klaxon check` lists all of them at once instead of the first only.
public struct Diagnostics: Sendable {
    public private(set) var problems: [Problem] = []
    public init() {}
    public mutating func add(_ problem: Problem) { problems.append(problem) }
    public mutating func add(contentsOf other: [Problem]) { problems.append(contentsOf: other) }
    public var isEmpty: Bool { problems.isEmpty }
}

/// A failure that stops a command, with the message to show and the exit code it maps to.
public struct KlaxonError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case invalidJob, state, locked, input }
    public var kind: Kind
    public var message: String
    public var problems: [Problem]

    public init(_ kind: Kind, _ message: String, problems: [Problem] = []) {
        self.kind = kind
        self.message = message
        self.problems = problems
    }

    public var description: String {
        ([message] + problems.map(\.description)).joined(separator: "\n")
    }
}
