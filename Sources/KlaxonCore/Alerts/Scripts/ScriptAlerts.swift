import Foundation
import KlaxonSystem

/// Runs every script alert of a job once per run, before the evaluation, and
/// turns what the scripts print into verdicts for the `Evaluator` (behaviour.md "Alerts and the state machine").
/// A script that fails gives no verdicts: its instances keep their state, and
/// the failure is reported with the end of its standard error.
public struct ScriptAlerts {
    let job: Job
    let now: Int64
    /// Bytes of standard output a script may print.
    var outputCap = 8 << 20

    public static let defaultTimeout = TimeSpan(seconds: 30)

    public init(job: Job, now: Int64) {
        self.job = job
        self.now = now
    }

    public struct Outcome: Sendable {
        /// Alert title → company id → verdict.
        public var verdicts: [String: [String: ScriptVerdict]] = [:]
        public var warnings: [String] = []
        /// Script alerts that gave no verdicts (they did not run, failed or printed nonsense):
        /// a run with any ends with exit code 2, so cron says so.
        public var failed: [String] = []
    }

    public func run(state: KlaxonState) -> Outcome {
        var outcome = Outcome()
        for alert in job.alerts where alert.area == .script {
            switch run(alert, state: state) {
            case .success(let parsed):
                outcome.verdicts[alert.title] = parsed.verdicts
                if !parsed.ignored.isEmpty {
                    outcome.warnings.append("script alert \"\(alert.title)\": ignored companies not in its scope: \(parsed.ignored.prefix(10).joined(separator: ", "))")
                }
            case .failure(let failure):
                outcome.warnings.append(failure.message)
                outcome.failed.append(alert.title)
            }
        }
        return outcome
    }

    /// A script alert's failure, as reported: which alert and script, what went wrong, stderr's end.
    struct Failed: Error {
        var message: String
    }

    func run(_ alert: AlertDefinition, state: KlaxonState) -> Result<ScriptOutput.Parsed, Failed> {
        let input = ScriptInput(job: job, alert: alert, state: state, now: now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let timeout = alert.scriptTimeout ?? Self.defaultTimeout
        let process = ScriptProcess(executable: alert.script ?? "", arguments: alert.scriptArguments, environment: environment,
                                    workingDirectory: job.folder,
                                    timeout: TimeInterval(timeout.seconds), outputCap: outputCap)
        let result = process.run(input: (try? encoder.encode(input)) ?? Data())
        func failed(_ failure: ScriptFailure) -> Result<ScriptOutput.Parsed, Failed> {
            var message = "script alert \"\(alert.title)\": \(alert.script ?? "") \(failure.description); its \(input.companies.count) instance\(input.companies.count == 1 ? "" : "s") keep their state"
            let tail = Self.tail(result.stderrTail)
            message += tail.isEmpty ? " (nothing on stderr)" : "; stderr: \(tail)"
            return .failure(Failed(message: message))
        }
        switch result.ending {
        case .couldNotStart(let why): return failed(.notRun(why))
        case .timedOut: return failed(.timedOut(timeout))
        case .outputTooLarge: return failed(.outputTooLarge(outputCap))
        case .signalled(let signal): return failed(.signalled(signal))
        case .exited(let status) where status != 0: return failed(.exited(status))
        case .exited:
            switch ScriptOutput.parse(result.stdout, inScope: Set(input.companies.map(\.id))) {
            case .success(let parsed): return .success(parsed)
            case .failure(let failure): return failed(failure)
            }
        }
    }

    /// Klaxon's environment without the variables the job names as holding secrets:
    /// a script has no business with the SMTP password or the SMS token.
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        for secret in job.secretVariables { env[secret.name] = nil }
        return env
    }

    /// The last lines of standard error on one line, for a warning.
    static func tail(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let joined = lines.suffix(8).joined(separator: " | ")
        return joined.count > 1_000 ? "…" + String(joined.suffix(1_000)) : joined
    }

    /// Resolves each script against the job file's folder and checks it can be run,
    /// so `klaxon check` names a missing or non-executable script before any run.
    static func resolveScripts(_ alerts: inout [AlertDefinition], folder: String, diagnostics: inout Diagnostics) {
        for i in alerts.indices {
            guard let script = alerts[i].script else { continue }
            let path = PathResolver.absolute(script, relativeTo: folder)
            alerts[i].script = path
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue {
                diagnostics.add(Problem(file: alerts[i].file, alert: alerts[i].title, field: "script",
                                        message: "no such file \(path) (relative paths start at the job file's folder)"))
            } else if !FileManager.default.isExecutableFile(atPath: path) {
                diagnostics.add(Problem(file: alerts[i].file, alert: alerts[i].title, field: "script",
                                        message: "\(path) is not executable; run chmod +x on it (it is run directly, without a shell, so it needs a #! line)"))
            } else if !startsLikeAProgram(path) {
                diagnostics.add(Problem(file: alerts[i].file, alert: alerts[i].title, field: "script",
                                        message: "\(path) has no #! line; it is run directly, without a shell, so add one as its first line, e.g. #!/bin/sh or #!/usr/bin/env python3"))
            }
        }
    }

    /// Whether the file starts with `#!` or is a compiled program (ELF, Mach-O): anything
    /// else fails to start with ENOEXEC, since scripts are not handed to a shell.
    static func startsLikeAProgram(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return true }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        if head.starts(with: [0x23, 0x21]) || head == [0x7F, 0x45, 0x4C, 0x46] { return true }
        let machO: [[UInt8]] = [[0xFE, 0xED, 0xFA, 0xCE], [0xFE, 0xED, 0xFA, 0xCF], [0xCE, 0xFA, 0xED, 0xFE],
                                [0xCF, 0xFA, 0xED, 0xFE], [0xCA, 0xFE, 0xBA, 0xBE]]
        return machO.contains(head)
    }
}
