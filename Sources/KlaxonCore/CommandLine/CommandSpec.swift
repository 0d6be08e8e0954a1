/// What one `klaxon` command accepts, declared once: its arguments, its options and
/// which options contradict each other. Parsing, `--help`, the usage line and the
/// "did you mean" of an error all come from this table.
public struct CommandSpec: Sendable {
    public var name: String
    /// One or two sentences under the usage line.
    public var summary: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var conflicts: [Conflict]

    public init(name: String, summary: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [], conflicts: [Conflict] = []) {
        self.name = name
        self.summary = summary
        self.arguments = arguments
        // Every command takes --help; it is listed last.
        self.options = options + [.help]
        self.conflicts = conflicts
    }

    func option(named name: String) -> OptionSpec? { options.first { $0.name == name } }
    func option(short: Character) -> OptionSpec? { options.first { $0.short == short } }
}

/// A positional argument, e.g. `JOB`.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var help: String

    public init(_ name: String, _ help: String) {
        self.name = name
        self.help = help
    }
}

/// One `--option`: a flag, or an option that takes a value.
public struct OptionSpec: Sendable {
    public var name: String
    public var short: Character?
    /// The value's placeholder in help (`FILE`); nil for a flag.
    public var valueName: String?
    public var help: String
    /// A command cannot run without it.
    public var required: Bool
    /// The only values accepted, when the option is a choice.
    public var choices: [String]?

    /// `--name`, a flag.
    public static func flag(_ name: String, short: Character? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: short, valueName: nil, help: help, required: false, choices: nil)
    }

    /// `--name VALUE`.
    public static func value(_ name: String, _ valueName: String, required: Bool = false, choices: [String]? = nil, _ help: String) -> OptionSpec {
        OptionSpec(name: name, short: nil, valueName: valueName, help: help, required: required, choices: choices)
    }

    public static let help = flag("help", short: "h", "show this help and exit")
    /// For the commands that print: what a cron line uses.
    public static let quiet = flag("quiet", short: "q", "print nothing on stdout; warnings and errors still go to stderr")

    var isFlag: Bool { valueName == nil }

    /// `--now T`, or `-q, --quiet`, as usage and help write it.
    var synopsis: String { "--\(name)" + (valueName.map { " \($0)" } ?? "") }
}

/// Two options that cannot be given together, and why.
public struct Conflict: Sendable {
    public var first: String
    public var second: String
    public var reason: String

    public init(_ first: String, _ second: String, _ reason: String) {
        self.first = first
        self.second = second
        self.reason = reason
    }
}
