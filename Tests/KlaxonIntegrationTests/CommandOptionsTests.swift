import Foundation
import Testing
@testable import KlaxonTestSupport

/// The real `klaxon`'s options as the operator meets them: help, version, mistakes.
@Suite(.serialized) struct CommandOptionsTests {
    @Test func everyCommandsHelpListsQuietAndHelp() throws {
        for command in ["run", "check", "test", "status", "report", "replay"] {
            let result = try KlaxonBinary.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("usage: klaxon \(command) "), "\(result.stdout)")
            #expect(result.stdout.contains("-q, --quiet"), "\(command): \(result.stdout)")
            #expect(result.stdout.contains("-h, --help"), "\(command): \(result.stdout)")
        }
    }

    @Test func runHelpListsQuietAndReplayHelpListsKeep() throws {
        let run = try KlaxonBinary.run(["run", "-h"])
        #expect(run.status == 0, "-h is help, not a job file: \(run.stderr)")
        #expect(run.stderr.isEmpty)
        for option in ["--now T", "--dry-run", "--deliver-to DIR", "--report FILE", "--quiet"] {
            #expect(run.stdout.contains(option), "\(option): \(run.stdout)")
        }
        let replay = try KlaxonBinary.run(["replay", "--help"])
        #expect(replay.stdout.contains("--keep"), "\(replay.stdout)")
    }

    @Test func versionIsPrinted() throws {
        for spelling in ["--version", "version"] {
            let result = try KlaxonBinary.run([spelling])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("klaxon 0."), "\(result.stdout)")
        }
    }

    @Test func aDryRunThatDeliversIsRefusedBeforeAnythingHappens() throws {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let result = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--dry-run", "--deliver-to", temp.url("out")])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("klaxon run: --dry-run and --deliver-to contradict each other"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: temp.url("out")))
        #expect(!FileManager.default.fileExists(atPath: temp.url("var/example-hourly")))
    }

    @Test func aMistypedOptionOrCommandIsNamedWithTheClosestOne() throws {
        let option = try KlaxonBinary.run(["run", "jobs/example-hourly.json5", "--dryrun"])
        #expect(option.status == 1)
        #expect(option.stderr.hasPrefix("klaxon run: unknown option --dryrun; did you mean --dry-run?"), "\(option.stderr)")
        let command = try KlaxonBinary.run(["stauts", "jobs/example-hourly.json5"])
        #expect(command.status == 1)
        #expect(command.stderr.hasPrefix("klaxon: unknown command \"stauts\"; did you mean status?"), "\(command.stderr)")
    }

    @Test func replayKeepSaysWhereItKeptTheFiles() throws {
        let result = try KlaxonBinary.run(["replay", "fixtures/scenarios/low-asr-warning.json5", "--keep", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("klaxon replay: kept the scratch folder ") })
        let folder = String(line.dropFirst("klaxon replay: kept the scratch folder ".count).prefix { $0 != " " })
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(FileManager.default.fileExists(atPath: folder + "/state/state"), "\(folder)")
        // Without --keep nothing is said and nothing is left.
        let plain = try KlaxonBinary.run(["replay", "fixtures/scenarios/low-asr-warning.json5"])
        #expect(!plain.stderr.contains("kept"))
    }
}
