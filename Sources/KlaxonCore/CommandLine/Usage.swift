/// The help texts, written from the `CommandSpec` tables.
public enum Usage {
    /// `klaxon run JOB [--now T] [--dry-run] … [--quiet]`.
    public static func synopsis(_ spec: CommandSpec) -> String {
        var words = ["klaxon", spec.name] + spec.arguments.map(\.name)
        for option in spec.options where option.name != "help" {
            words.append(option.required ? option.synopsis : "[\(option.synopsis)]")
        }
        return words.joined(separator: " ")
    }

    /// `klaxon COMMAND --help`: the synopsis, the summary, then every argument and option.
    public static func help(_ spec: CommandSpec) -> String {
        var lines = ["usage: " + synopsis(spec), ""]
        lines += spec.summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rows: [(String, String)] = spec.arguments.map { ($0.name, $0.help) } + spec.options.map { option in
            ((option.short.map { "-\($0), " } ?? "    ") + option.synopsis, option.help + (option.required ? " (required)" : ""))
        }
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        if !spec.arguments.isEmpty {
            lines += ["", "arguments:"]
            lines += rows.prefix(spec.arguments.count).map { "  " + pad($0.0, width) + $0.1 }
        }
        lines += ["", "options:"]
        lines += rows.dropFirst(spec.arguments.count).map { "  " + pad($0.0, width) + $0.1 }
        if !spec.conflicts.isEmpty { lines.append("") }
        for conflict in spec.conflicts {
            lines.append("--\(conflict.first) and --\(conflict.second) cannot be given together: \(conflict.reason)")
        }
        return lines.joined(separator: "\n")
    }

    /// `klaxon --help`: every command's synopsis and summary, the exit codes.
    public static func overview(_ specs: [CommandSpec]) -> String {
        var lines = ["usage: klaxon COMMAND [ARGS]", "       klaxon COMMAND --help    every option of COMMAND",
                     "       klaxon --version", "", "commands:"]
        for spec in specs {
            lines.append("  " + synopsis(spec))
            lines += spec.summary.split(separator: "\n").map { "      " + $0 }
        }
        lines += ["", "exit codes: 0 clean; 1 invalid job or arguments; 2 ran, but rows were rejected or deliveries",
                  "are pending/dead; 3 the state could not be read or written; 75 another run holds the lock."]
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
