/// What `klaxon ARGS…` asks for, before any command runs.
public enum CommandLineRoute: Sendable, Equatable {
    /// Print `text` on stdout and exit 0.
    case show(String)
    /// Print `message` (and the usage line under it) on stderr and exit 1.
    case invalid(String)
    case run(command: String, ParsedArguments)

    public static func route(_ argv: [String], commands: [CommandSpec]) -> CommandLineRoute {
        guard let first = argv.first else { return .invalid("klaxon: a command is needed\n\n" + Usage.overview(commands)) }
        switch first {
        case "--help", "-h", "help":
            // `klaxon help run` is `klaxon run --help`.
            if argv.count > 1, let spec = commands.first(where: { $0.name == argv[1] }) { return .show(Usage.help(spec)) }
            if let shown = familyHelp(Array(argv.dropFirst()), commands: commands) { return shown }
            return .show(Usage.overview(commands))
        case "--version", "-V", "version":
            return .show(KlaxonVersion.text)
        default:
            break
        }
        if let routed = family(argv, commands: commands) { return routed }
        guard let spec = commands.first(where: { $0.name == first }) else {
            let hint = Suggestion.didYouMean(first, among: commands.map(\.name), prefix: "")
            let what = first.hasPrefix("-") ? "option \(first) before the command" : "command \"\(first)\""
            return .invalid("klaxon: unknown \(what)\(hint)\ncommands: \(commands.map(\.name).joined(separator: ", ")); klaxon --help describes them")
        }
        do throws(ArgumentError) {
            switch try ArgumentParser.parse(Array(argv.dropFirst()), for: spec) {
            case .help: return .show(Usage.help(spec))
            case .run(let parsed): return .run(command: spec.name, parsed)
            }
        } catch {
            return .invalid("klaxon \(spec.name): \(error.message)\nusage: \(Usage.synopsis(spec))\n(klaxon \(spec.name) --help describes every option)")
        }
    }
}
