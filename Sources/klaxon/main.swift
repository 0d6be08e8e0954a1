import Foundation
import KlaxonCore

// A thin front: route the command line by the commands' declarations, run, map the outcome to an exit code.
switch CommandLineRoute.route(Array(CommandLine.arguments.dropFirst()), commands: Commands.all.map(\.spec)) {
case .show(let text):
    print(text)
    exit(0)
case .invalid(let message):
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
case .run(let name, let args):
    guard let command = Commands.all.first(where: { $0.name == name }) else { exit(1) }
    exit(command.run(args, Output(quiet: args.flags.contains("quiet"))).rawValue)
}
