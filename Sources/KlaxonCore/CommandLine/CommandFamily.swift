/// Commands named by two words (`klaxon silence add`, `list`, `expire`): the
/// first names a family, the second the command; each is declared and parsed
/// as any other `CommandSpec`.
extension CommandLineRoute {
    /// The route for a family's command line, or nil when `argv` does not start with a family.
    static func family(_ argv: [String], commands: [CommandSpec]) -> CommandLineRoute? {
        guard let first = argv.first else { return nil }
        let members = commands.filter { $0.name.hasPrefix(first + " ") }
        guard !members.isEmpty else { return nil }
        if argv.count > 1, let spec = members.first(where: { $0.name == first + " " + argv[1] }) {
            return parse(Array(argv.dropFirst(2)), for: spec)
        }
        let verbs = members.compactMap { $0.name.split(separator: " ").last.map(String.init) }
        let listing = familyUsage(members)
        if argv.count > 1, argv[1] == "--help" || argv[1] == "-h" { return .show(listing) }
        let what = argv.count > 1 ? "unknown command \"\(first) \(argv[1])\"\(Suggestion.didYouMean(argv[1], among: verbs, prefix: ""))"
            : "\(first) needs one of \(verbs.joined(separator: ", "))"
        return .invalid("klaxon: \(what)\n\(listing)")
    }

    /// `klaxon help silence` and `klaxon help silence add`.
    static func familyHelp(_ words: [String], commands: [CommandSpec]) -> CommandLineRoute? {
        guard let first = words.first else { return nil }
        if words.count > 1, let spec = commands.first(where: { $0.name == first + " " + words[1] }) { return .show(Usage.help(spec)) }
        let members = commands.filter { $0.name.hasPrefix(first + " ") }
        return members.isEmpty ? nil : .show(familyUsage(members))
    }

    static func familyUsage(_ members: [CommandSpec]) -> String {
        (["usage:"] + members.map { "  " + Usage.synopsis($0) } + ["(klaxon \(members[0].name) --help describes every option)"])
            .joined(separator: "\n")
    }

    static func parse(_ args: [String], for spec: CommandSpec) -> CommandLineRoute {
        do throws(ArgumentError) {
            switch try ArgumentParser.parse(args, for: spec) {
            case .help: return .show(Usage.help(spec))
            case .run(let parsed): return .run(command: spec.name, parsed)
            }
        } catch {
            return .invalid("klaxon \(spec.name): \(error.message)\nusage: \(Usage.synopsis(spec))\n(klaxon \(spec.name) --help describes every option)")
        }
    }
}
