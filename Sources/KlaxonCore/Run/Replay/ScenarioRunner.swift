import Foundation
import KlaxonSystem

/// Runs a scenario against a scratch state: one pass/fail line per step.
public struct ScenarioRunner {
    let path: String
    let keepScratch: Bool

    public init(path: String, keepScratch: Bool = false) {
        self.path = path
        self.keepScratch = keepScratch
    }

    public struct Result: Sendable {
        public var lines: [String]
        public var passed: Bool
        public var reports: [RunReport]
        /// The scratch folder, when it was kept (`--keep`).
        public var keptFolder: String?
    }

    public func run() throws(KlaxonError) -> Result {
        let scenario = try ScenarioParser.parse(path)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-replay-\(UUID().uuidString)").path
        defer { if !keepScratch { try? FileManager.default.removeItem(atPath: scratch) } }
        let jobFile = try prepare(scenario, scratch: scratch)
        let job: Job
        // Its relative paths (scripts, templates, alert files) start where the job was written,
        // not in the scratch folder that holds the copy.
        switch JobLoader.load(jobFile, relativeTo: scenario.jobFolder) {
        case .success(let j): job = j
        case .failure(let e): throw e
        }

        var lines = ["scenario \((scenario.file as NSString).lastPathComponent)\(scenario.description.isEmpty ? "" : ": \(scenario.description)")"]
        var passed = true
        var reports: [RunReport] = []
        for (index, step) in scenario.steps.enumerated() {
            for drop in step.drops { try place(drop, scratch: scratch) }
            do { try applySilences(step, job: job) } catch {
                throw KlaxonError(error.kind, "\(scenario.file): step \(index + 1): silence: \(error.message)")
            }
            var options = RunOptions(now: step.now, deliverTo: scratch + "/sent")
            options.wallClock = Date()
            let report = try Runner(job: job, options: options).run()
            reports.append(report)
            let mismatches = compare(step.expect, with: report) + Self.compareSilences(step.expect, with: report)
            let label = "step \(index + 1) at \(ValueFormatter.timestamp(Int64(step.now.timeIntervalSince1970)))\(step.note.isEmpty ? "" : " (\(step.note))")"
            if mismatches.isEmpty {
                lines.append("PASS \(label)")
            } else {
                passed = false
                lines.append("FAIL \(label)")
                lines += mismatches.map { "     \($0)" }
            }
        }
        lines.append(passed ? "scenario passed" : "scenario FAILED")
        return Result(lines: lines, passed: passed, reports: reports, keptFolder: keepScratch ? scratch : nil)
    }

    /// Writes the job into the scratch folder with its state, drop folders and outputs redirected there.
    private func prepare(_ scenario: Scenario, scratch: String) throws(KlaxonError) -> String {
        var job = scenario.job
        job["state"] = .string(scratch + "/state")
        var inputs = job["inputs"]?.objectValue ?? [:]
        for name in ["balances", "cdrs"] {
            guard var input = inputs[name]?.objectValue else { continue }
            input["path"] = .string(scratch + "/drop/" + name)
            inputs[name] = .object(input)
        }
        job["inputs"] = .object(inputs)
        if var penalties = job["penalties"]?.objectValue {
            penalties["file"] = .string(scratch + "/penalties.csv")
            penalties["log"] = .string(scratch + "/penalties.log")
            job["penalties"] = .object(penalties)
        }
        // A scenario must not overwrite the metrics node_exporter serves for the real job.
        if job["metrics_file"] != nil { job["metrics_file"] = .string(scratch + "/metrics.prom") }
        let jobFile = scratch + "/job.json"
        do {
            for name in ["balances", "cdrs"] { try AtomicFile.createFolder(scratch + "/drop/" + name) }
            let data = try JSONEncoder().encode(JSONValue.object(job))
            try AtomicFile.write(Array(data), to: jobFile)
        } catch {
            throw KlaxonError(.state, "cannot prepare the scratch folder \(scratch): \(error)")
        }
        return jobFile
    }

    /// Drops a file as a well-behaved exporter would: written, then old enough to be settled.
    private func place(_ drop: Scenario.Drop, scratch: String) throws(KlaxonError) {
        let path = scratch + "/drop/" + drop.input + "/" + drop.name
        do { try AtomicFile.write(drop.content, to: path) } catch {
            throw KlaxonError(.state, error.description)
        }
        var times = [timespec(tv_sec: time(nil) - 3_600, tv_nsec: 0), timespec(tv_sec: time(nil) - 3_600, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &times, 0)
    }

    private func compare(_ expect: Scenario.Expectation, with report: RunReport) -> [String] {
        func names(_ d: Decision, level: AlertLevel? = nil) -> Set<String> {
            Set(report.decisions.filter { $0.decision == d && (level == nil || $0.level == level) }
                .map { "\($0.alert)/\($0.company)" + ($0.destination.map { "/" + $0 } ?? "") })
        }
        var out: [String] = []
        func check(_ what: String, expected: Set<String>, actual: Set<String>) {
            if expected != actual {
                out.append("\(what): expected [\(expected.sorted().joined(separator: ", "))], got [\(actual.sorted().joined(separator: ", "))]")
            }
        }
        // A count stands in for a list too long to write (an outage of hundreds of instances).
        for (what, decision, list, count) in [("fired", Decision.fired, expect.fired, expect.messages.firedCount),
                                              ("repeated", .repeated, expect.repeated, nil), ("reset", .reset, expect.reset, expect.messages.resetCount)] {
            if let count, list.isEmpty {
                if count != names(decision).count { out.append("\(what): expected \(count), got \(names(decision).count)") }
            } else {
                check(what, expected: list, actual: names(decision))
            }
        }
        if let insufficient = expect.insufficient { check("insufficient", expected: insufficient, actual: names(.insufficientData)) }
        if let critical = expect.critical { check("critical", expected: critical, actual: names(.fired, level: .critical)) }
        check("penalties applied", expected: expect.penaltiesApplied,
              actual: Set(report.penalties.filter { $0.kind != .lift }.map(\.company)))
        check("penalties lifted", expected: expect.penaltiesLifted,
              actual: Set(report.penalties.filter { $0.kind == .lift }.map(\.company)))
        let fresh = report.notifications.filter { $0.result == .sent }
        if let e = expect.emails, e != fresh.filter({ $0.channel == .email }).count {
            out.append("emails: expected \(e), got \(fresh.filter { $0.channel == .email }.count)")
        }
        if let s = expect.sms, s != fresh.filter({ $0.channel == .sms }).count {
            out.append("sms: expected \(s), got \(fresh.filter { $0.channel == .sms }.count)")
        }
        out += expect.messages.mismatches(sent: fresh)
        return out
    }
}
