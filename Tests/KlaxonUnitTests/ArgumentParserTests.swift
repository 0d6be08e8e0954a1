import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The command line read from declarations: parsing, errors with "did you mean",
/// `--help` and the usage written from the same table.
@Suite struct ArgumentParserTests {
    static let run = CommandSpec(
        name: "run", summary: "One run.", arguments: [ArgumentSpec("JOB", "the job file")],
        options: [
            .value("now", "T", "evaluate at T"),
            .flag("dry-run", "change nothing"),
            .value("deliver-to", "DIR", "write messages to DIR"),
            .value("format", "F", choices: ["md", "csv", "html"], "the format"),
            .value("alert", "TITLE", required: true, "the alert"),
            .quiet,
        ],
        conflicts: [Conflict("dry-run", "deliver-to", "a dry run writes nothing")])

    private func parse(_ args: [String]) throws(ArgumentError) -> ArgumentParser.Outcome {
        try ArgumentParser.parse(args, for: Self.run)
    }

    private func message(_ args: [String]) -> String? {
        do { _ = try parse(args); return nil } catch { return error.message }
    }

    @Test func optionsFlagsAndPositionalsInAnyOrder() throws {
        let outcome = try parse(["--now", "2026-11-27T02:00:00Z", "job.json5", "--dry-run", "--alert=Low ASR", "-q", "--format", "csv"])
        #expect(outcome == .run(ParsedArguments(positionals: ["job.json5"], options: ["now": "2026-11-27T02:00:00Z", "alert": "Low ASR", "format": "csv"],
                                                flags: ["dry-run", "quiet"])))
    }

    @Test func helpIsHelpWhereverItIsAndWhateverElseIsWrong() throws {
        #expect(try parse(["-h"]) == .help)
        #expect(try parse(["job.json5", "--help"]) == .help)
        #expect(try parse(["--bogus", "-h"]) == .help)
        // After `--`, -h is a file name.
        #expect(message(["--alert", "A", "--", "-h"]) == nil)
    }

    @Test func aDashedWordIsNeverTakenForAFile() {
        #expect(message(["-x", "--alert", "A"]) == "unknown option -x")
        #expect(message(["job", "-dry-run", "--alert", "A"]) == "unknown option -dry-run; did you mean --dry-run?")
    }

    @Test func unknownOptionsSuggestTheClosestDeclaredOne() {
        #expect(message(["job", "--dryrun"]) == "unknown option --dryrun; did you mean --dry-run?")
        #expect(message(["job", "--deliverto", "x"]) == "unknown option --deliverto; did you mean --deliver-to?")
        #expect(message(["job", "--quite"]) == "unknown option --quite; did you mean --quiet?")
        #expect(message(["job", "--now2"]) == "unknown option --now2; did you mean --now?")
        #expect(message(["job", "--send"]) == "unknown option --send")
    }

    @Test func valuesAreCheckedAgainstTheDeclaration() {
        #expect(message(["job", "--alert"]) == "--alert needs a value: --alert TITLE")
        #expect(message(["job", "--now", "--dry-run", "--alert", "A"]) == "--now needs a value: --now T")
        #expect(message(["job", "--alert", "A", "--dry-run=yes"]) == "--dry-run takes no value")
        #expect(message(["job", "--alert", "A", "--format", "pdf"]) == "--format \"pdf\" is not one of md, csv or html")
        #expect(message(["job", "--alert", "A", "--format", "hmtl"]) == "--format \"hmtl\" is not one of md, csv or html; did you mean html?")
        #expect(message(["job", "--alert", "A", "--now", "1", "--now", "2"]) == "--now is given twice (\"1\" and \"2\"); give it once")
        #expect(message(["job"]) == "--alert TITLE is required (the alert)")
    }

    @Test func argumentsAreCounted() {
        #expect(message(["--alert", "A"]) == "missing JOB (the job file)")
        #expect(message(["a", "b", "--alert", "A"]) == "unexpected argument \"b\"; klaxon run takes JOB")
    }

    @Test func contradictingOptionsAreRefused() {
        #expect(message(["job", "--alert", "A", "--dry-run", "--deliver-to", "out"])
                == "--dry-run and --deliver-to contradict each other: a dry run writes nothing")
    }

    @Test func helpListsEveryDeclaredOption() {
        let help = Usage.help(Self.run)
        #expect(help.hasPrefix("usage: klaxon run JOB [--now T] [--dry-run] [--deliver-to DIR] [--format F] --alert TITLE [--quiet]\n"))
        for line in ["      --now T", "  -q, --quiet", "  -h, --help", "--alert TITLE     the alert (required)", "  JOB  "] {
            #expect(help.contains(line), "\(line) missing from:\n\(help)")
        }
        #expect(help.contains("--dry-run and --deliver-to cannot be given together"))
    }

    @Test func theTopLevelRoutesHelpVersionAndUnknownCommands() {
        let specs = [Self.run, CommandSpec(name: "replay", summary: "A scenario.", arguments: [ArgumentSpec("SCENARIO", "the scenario")],
                                           options: [.flag("keep", "keep the scratch folder")])]
        #expect(CommandLineRoute.route(["--version"], commands: specs) == .show(KlaxonVersion.text))
        #expect(KlaxonVersion.text.hasPrefix("klaxon \(KlaxonVersion.number)"))
        #expect(CommandLineRoute.route(["run", "-h"], commands: specs) == .show(Usage.help(Self.run)))
        #expect(CommandLineRoute.route(["help", "run"], commands: specs) == .show(Usage.help(Self.run)))
        guard case .show(let overview) = CommandLineRoute.route(["--help"], commands: specs) else { Issue.record("no overview"); return }
        #expect(overview.contains("klaxon replay SCENARIO [--keep]"))
        guard case .invalid(let unknown) = CommandLineRoute.route(["replya", "x"], commands: specs) else { Issue.record("accepted"); return }
        #expect(unknown.hasPrefix("klaxon: unknown command \"replya\"; did you mean replay?"))
        guard case .invalid(let bad) = CommandLineRoute.route(["run", "--dryrun"], commands: specs) else { Issue.record("accepted"); return }
        #expect(bad.hasPrefix("klaxon run: unknown option --dryrun; did you mean --dry-run?\nusage: klaxon run JOB"))
        #expect(CommandLineRoute.route(["replay", "s.json5", "--keep"], commands: specs)
                == .run(command: "replay", ParsedArguments(positionals: ["s.json5"], flags: ["keep"])))
    }

    @Test func editDistanceCountsATranspositionAsOneEdit() {
        #expect(Suggestion.distance("rnu", "run") == 1)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
        #expect(Suggestion.distance("", "abc") == 3)
        #expect(Suggestion.closest("stat", among: ["run", "status", "replay"]) == "status")
    }
}
