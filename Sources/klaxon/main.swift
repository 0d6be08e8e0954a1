import Foundation
import KlaxonCore

// A thin front: pick the command, parse its arguments, map the outcome to an exit code.
let usage = """
usage: klaxon COMMAND [ARGS]

commands:
""" + Commands.all.map { "\n" + $0.usage }.joined(separator: "\n") + """


exit codes: 0 clean; 1 invalid job or arguments; 2 ran, but rows were rejected or deliveries
are pending/dead; 3 the state could not be read or written; 75 another run holds the lock.
"""

var argv = Array(CommandLine.arguments.dropFirst())
guard let name = argv.first, name != "--help", name != "-h", name != "help" else {
    print(usage)
    exit(argv.isEmpty ? 1 : 0)
}
argv.removeFirst()
guard let command = Commands.all.first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("klaxon: unknown command \"\(name)\"\n\n\(usage)\n".utf8))
    exit(1)
}
do {
    let args = try Arguments(argv, valued: command.valued, flags: command.flags)
    if args.flags.contains("help") {
        print(command.usage)
        exit(0)
    }
    let code = command.run(args, Output(quiet: args.flags.contains("quiet")))
    exit(code.rawValue)
} catch {
    FileHandle.standardError.write(Data("klaxon \(name): \(error.message)\n\n\(command.usage)\n".utf8))
    exit(1)
}
