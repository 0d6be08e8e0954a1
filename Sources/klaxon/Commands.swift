import Foundation
import KlaxonCore
import KlaxonSystem

/// One `klaxon` command: its declaration (arguments, options; see `CommandSpec`) and what it does.
struct Command: Sendable {
    var spec: CommandSpec
    var run: @Sendable (Arguments, Output) -> ExitCode
    var name: String { spec.name }
}

typealias Arguments = ParsedArguments

extension ArgumentSpec {
    static let job = ArgumentSpec("JOB", "the job file")
}

enum Commands {
    static let all: [Command] = [run, check, test, status, report, replay]
        + silences

    static func loadJob(_ args: Arguments, _ out: Output) -> Result<Job, KlaxonError> {
        guard args.positionals.count == 1 else {
            return .failure(KlaxonError(.invalidJob, "expected one job file"))
        }
        return JobLoader.load(args.positionals[0])
    }

    /// Loads the job named on the command line, then runs `body`; every failure maps to its exit code.
    static func withJob(_ command: String, _ args: Arguments, _ out: Output, _ body: (Job) throws -> ExitCode) -> ExitCode {
        switch loadJob(args, out) {
        case .success(let job): return guarded(command, out) { try body(job) }
        case .failure(let e): return out.fail(e)
        }
    }

    /// Maps what a command can throw to the exit codes of behaviour.md "Operators' interfaces".
    static func guarded(_ command: String, _ out: Output, _ body: () throws -> ExitCode) -> ExitCode {
        do {
            return try body()
        } catch let e as ArgumentError {
            out.warn("klaxon \(command): \(e.message)")
            return .invalid
        } catch let e as KlaxonError {
            return out.fail(e)
        } catch {
            out.warn("klaxon \(command): \(error)")
            return .state
        }
    }

    static let run = Command(spec: CommandSpec(
        name: "run",
        summary: "One scheduled run: ingest new files, evaluate every alert, commit, deliver, report.",
        arguments: [.job],
        options: [
            .value("now", "T", "evaluate at T (ISO 8601) instead of the wall clock"),
            .flag("dry-run", "show what would be sent and done; change nothing on disk"),
            .value("deliver-to", "DIR", "write messages as DIR/<id>.eml and DIR/<id>.sms.json instead of sending"),
            .value("report", "FILE", "also write the JSON run report to FILE"),
            .quiet,
        ],
        conflicts: [Conflict("dry-run", "deliver-to", "a dry run writes no message anywhere; drop --dry-run to have the messages written to DIR")]
    )) { args, out in
        withJob("run", args, out) { job in
            var options = RunOptions(now: try args.date("now"), dryRun: args.flags.contains("dry-run"),
                                     deliverTo: args.options["deliver-to"], reportPath: args.options["report"])
            options.wallClock = Date()
            let report = try Runner(job: job, options: options).run()
            out.say(RunSummary.text(report, shown: job.shownTime))
            for preview in report.previews ?? [] { out.say("\n" + preview) }
            for w in report.warnings { out.warn("warning: \(w)") }
            // Whole files too, so that a --quiet run under cron still says what needs attention.
            for f in report.files where f.outcome.needsAttention {
                out.warn("\(f.outcome.rawValue) \(f.input)/\(f.name)\(f.reason.map { ": \($0)" } ?? "")")
            }
            for f in report.files { for r in f.rejections { out.warn("rejected \(r)") } }
            // Every failed, pending and dead delivery, penalty log lines included: cron mails stderr.
            for line in DeliveryProblems.lines(report.notifications, shown: job.shownTime) where !report.dryRun { out.warn(line) }
            return ExitCode(rawValue: Int32(report.exitCode)) ?? .partial
        }
    }

    static let check = Command(spec: CommandSpec(
        name: "check",
        summary: "Validate the job, its alerts, templates, inputs and delivery settings; list every problem\nand warning.",
        arguments: [.job],
        options: [.quiet]
    )) { args, out in
        switch loadJob(args, out) {
        case .success(let job):
            let problems = InputCheck.problems(job) + DeliveryCheck.problems(job) + RunSettingsCheck.problems(job)
            let warnings = JobWarnings.all(job)
            if !problems.isEmpty {
                out.warn("\(job.file): \(problems.count) problem\(problems.count == 1 ? "" : "s") to fix before a run")
                for p in problems { out.warn("  " + p.description) }
            }
            for w in warnings { out.warn("warning: " + w.description) }
            if !problems.isEmpty { return .invalid }
            let counted = warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s") (above)"
            out.say("\(job.file): OK — \(job.alerts.count) alert\(job.alerts.count == 1 ? "" : "s"), state in \(job.stateDirectory)\(counted)")
            return .clean
        case .failure(let e):
            out.warn(e.message)
            for p in e.problems { out.warn("  " + p.description) }
            return .invalid
        }
    }

    static let test = Command(spec: CommandSpec(
        name: "test",
        summary: "Evaluate one alert for one company against the committed state; show the value,\nthe decision and the rendered message. Changes nothing.",
        arguments: [.job],
        options: [
            .value("alert", "TITLE", required: true, "the alert's title"),
            .value("company", "ID", required: true, "the company's id"),
            .value("now", "T", "evaluate at T (ISO 8601) instead of the wall clock"),
            .flag("send", "really send the message, marked as a test ([TEST], X-Klaxon-Test: yes)"),
            .value("to", "LIST", "with --send: these e-mail addresses, +E.164 numbers and/or webhook:NAME (comma-separated)\ninstead of the alert's recipients"),
            .quiet,
        ]
    )) { args, out in
        withJob("test", args, out) { job in
            guard let title = args.options["alert"], let company = args.options["company"] else {
                out.warn("klaxon test: --alert TITLE and --company ID are required")
                return .invalid
            }
            let now = Int64(((try args.date("now")) ?? Date()).timeIntervalSince1970)
            // Without --send, --to would change nothing but the preview: almost certainly a forgotten --send.
            if args.options["to"] != nil && !args.flags.contains("send") {
                out.warn("klaxon test: --to names who a test is sent to; add --send to send it")
                return .invalid
            }
            let to = try args.options["to"].map(AlertTester.recipients)
            let outcome = try AlertTester(job: job, now: now).test(alert: title, company: company, to: to)
            out.say("""
            alert:    \(title)
            company:  \(company)
            value:    \(outcome.formattedValue)
            state:    \(outcome.instanceStatus.rawValue); a run now would decide: \(outcome.decision.rawValue)
            subject:  \(outcome.subject)
            sms:      \(outcome.sms)

            \(outcome.text)
            """)
            for item in outcome.webhookItems { out.say("\(item.recipients.joined()): \(item.payload)") }
            guard args.flags.contains("send") else { return .clean }
            let sent = AlertTester.send(outcome, through: TransportSink(job: job))
            for line in sent.lines { sent.failed ? out.warn(line) : out.say(line) }
            return sent.failed ? .partial : .clean
        }
    }

    static let status = Command(spec: CommandSpec(
        name: "status",
        summary: "Triggered instances, active penalties, pending and dead outbox items.",
        arguments: [.job],
        options: [
            .flag("backup", "show the previous commit (state.bak) instead, before restoring it"),
            .quiet,
        ]
    )) { args, out in
        withJob("status", args, out) { job in
            let store = StateStore(job: job)
            let state = try args.flags.contains("backup") ? store.loadBackup() : store.loadCurrent()
            out.say(StatusReport.text(job: job, state: state))
            out.say(StatusReport.silences(job: job, state: state, silences: try SilenceStore(job: job).load(), now: Int64(Date().timeIntervalSince1970)))
            return .clean
        }
    }

    static let report = Command(spec: CommandSpec(
        name: "report",
        summary: "The per-company metrics over the job's windows, the triggered alerts and the active\npenalties, from the committed state, for people. Changes nothing.",
        arguments: [.job],
        options: [
            .value("format", "md|csv|html", choices: ["md", "csv", "html"], "md (default), csv (one row per company) or html (a self-contained page)"),
            .value("now", "T", "compute the windows at T (ISO 8601) instead of the wall clock"),
            .value("output", "FILE", "write the report to FILE instead of stdout"),
            .flag("quiet", short: "q", "accepted as by every command; the report itself is the output and is still written"),
        ]
    )) { args, out in
        withJob("report", args, out) { job in
            let formatName = args.options["format"] ?? "md"
            guard let format = MetricsReport.Format(rawValue: formatName) else {
                out.warn("klaxon report: unknown --format \"\(formatName)\"; use md, csv or html")
                return .invalid
            }
            let now = Int64(((try args.date("now")) ?? Date()).timeIntervalSince1970)
            let state = try StateStore(job: job).loadCurrent()
            let text = MetricsReport(job: job, state: state, now: now).render(format)
            if let path = args.options["output"] {
                // The state was read; only the report's file failed: not exit 3, which would send
                // an operator to restore state.bak.
                do throws(AtomicFile.WriteError) {
                    try AtomicFile.write(text, to: path)
                } catch {
                    out.warn("klaxon report: \(error.description)")
                    return .partial
                }
            } else {
                print(text, terminator: "")
            }
            return .clean
        }
    }

    static let replay = Command(spec: CommandSpec(
        name: "replay",
        summary: "Run a scenario (a job, then steps of: now, files to drop, expected firings, resets and\npenalties) against a scratch state; one pass/fail line per step; exit 1 on any mismatch.",
        arguments: [ArgumentSpec("SCENARIO", "the scenario file")],
        options: [
            .flag("keep", "keep the scratch folder (state, drop folders, sent messages) and print where it is"),
            .quiet,
        ]
    )) { args, out in
        guard args.positionals.count == 1 else {
            out.warn("klaxon replay: expected one scenario file")
            return .invalid
        }
        do throws(KlaxonError) {
            let result = try ScenarioRunner(path: args.positionals[0], keepScratch: args.flags.contains("keep")).run()
            for line in result.lines { out.say(line) }
            if let kept = result.keptFolder {
                // On stderr, so that --quiet still says where the files are.
                out.warn("klaxon replay: kept the scratch folder \(kept) (state/, drop/, sent/); remove it when done")
            }
            return result.passed ? .clean : .invalid
        } catch {
            return out.fail(error)
        }
    }
}
