/// Reads a command's arguments by its `CommandSpec`.
public enum ArgumentParser {
    public enum Outcome: Sendable, Equatable {
        case run(ParsedArguments)
        /// `--help` or `-h` anywhere before `--`.
        case help
    }

    public static func parse(_ raw: [String], for spec: CommandSpec) throws(ArgumentError) -> Outcome {
        var parsed = ParsedArguments()
        var i = 0
        var optionsEnded = false
        // --help wins over every other mistake on the line: it is how one finds the right spelling.
        if raw.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) { return .help }
        while i < raw.count {
            let arg = raw[i]
            i += 1
            if optionsEnded || arg == "-" || !arg.hasPrefix("-") {
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { optionsEnded = true; continue }
            var name: String
            var inline: String?
            let option: OptionSpec
            if arg.hasPrefix("--") {
                name = String(arg.dropFirst(2))
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                guard let known = spec.option(named: name) else {
                    throw ArgumentError("unknown option --\(name)\(Suggestion.didYouMean(name, among: spec.options.map(\.name), prefix: "--"))")
                }
                option = known
            } else {
                // Single-letter options, one at a time: -h, -q.
                guard arg.count == 2, let letter = arg.last, let known = spec.option(short: letter) else {
                    let word = String(arg.drop(while: { $0 == "-" }))
                    throw ArgumentError("unknown option \(arg)\(Suggestion.didYouMean(word, among: spec.options.map(\.name), prefix: "--"))")
                }
                option = known
                name = known.name
            }
            if option.isFlag {
                if inline != nil { throw ArgumentError("--\(name) takes no value") }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard i < raw.count, !isOption(raw[i], in: spec) else {
                    throw ArgumentError("--\(name) needs a value: --\(name) \(option.valueName ?? "VALUE")")
                }
                value = raw[i]
                i += 1
            }
            if let earlier = parsed.options[name], earlier != value {
                throw ArgumentError("--\(name) is given twice (\"\(earlier)\" and \"\(value)\"); give it once")
            }
            if let choices = option.choices, !choices.contains(value) {
                throw ArgumentError("--\(name) \"\(value)\" is not one of \(Suggestion.list(choices))\(Suggestion.didYouMean(value, among: choices, prefix: ""))")
            }
            parsed.options[name] = value
        }
        try check(parsed, against: spec)
        return .run(parsed)
    }

    /// A word that is one of this command's options, so it cannot be the value before it.
    private static func isOption(_ word: String, in spec: CommandSpec) -> Bool {
        if word.hasPrefix("--") {
            let name = word.dropFirst(2).split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return spec.option(named: name) != nil
        }
        return word.count == 2 && word.hasPrefix("-") && word.last.flatMap { spec.option(short: $0) } != nil
    }

    private static func check(_ parsed: ParsedArguments, against spec: CommandSpec) throws(ArgumentError) {
        let given = Set(parsed.options.keys).union(parsed.flags)
        for conflict in spec.conflicts where given.contains(conflict.first) && given.contains(conflict.second) {
            throw ArgumentError("--\(conflict.first) and --\(conflict.second) contradict each other: \(conflict.reason)")
        }
        let expected = spec.arguments
        if parsed.positionals.count < expected.count {
            let missing = expected[parsed.positionals.count]
            throw ArgumentError("missing \(missing.name) (\(missing.help))")
        }
        if parsed.positionals.count > expected.count {
            let extra = parsed.positionals[expected.count]
            let takes = expected.isEmpty ? "no arguments" : expected.map(\.name).joined(separator: " ")
            throw ArgumentError("unexpected argument \"\(extra)\"; klaxon \(spec.name) takes \(takes)")
        }
        for option in spec.options where option.required && parsed.options[option.name] == nil {
            throw ArgumentError("\(option.synopsis) is required (\(option.help))")
        }
    }
}
