import Foundation

/// Reads a scenario file; `calls` entries are expanded into CDR rows so that
/// scenarios read like behaviour.md "Alerts and the state machine"'s worked examples ("100 calls, 29 connected").
enum ScenarioParser {
    static func parse(_ path: String) throws(KlaxonError) -> Scenario {
        var diagnostics = Diagnostics()
        let file = PathResolver.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
        guard let root = JobLoader.readJSON5Object(file, diagnostics: &diagnostics) else {
            throw KlaxonError(.invalidJob, "\(path): cannot read the scenario", problems: diagnostics.problems)
        }
        let folder = (file as NSString).deletingLastPathComponent
        func fail(_ message: String) -> KlaxonError { KlaxonError(.invalidJob, "\(file): \(message)") }

        var job: [String: JSONValue]
        var jobFolder = folder
        switch root["job"] {
        case .string(let jobPath)?:
            let jobFile = PathResolver.absolute(jobPath, relativeTo: folder)
            guard let object = JobLoader.readJSON5Object(jobFile, diagnostics: &diagnostics) else {
                throw KlaxonError(.invalidJob, "\(file): cannot read its job", problems: diagnostics.problems)
            }
            job = object
            jobFolder = (jobFile as NSString).deletingLastPathComponent
        case .object(let object)?:
            job = object
        default:
            throw fail("`job` must be a job file path or an inline job object")
        }

        guard let stepValues = root["steps"]?.arrayValue, !stepValues.isEmpty else { throw fail("`steps` must be a non-empty list") }
        var steps: [Scenario.Step] = []
        for (i, value) in stepValues.enumerated() {
            guard let step = value.objectValue, let nowText = step["now"]?.stringValue, let now = ISO8601Parsing.date(nowText) else {
                throw fail("step \(i + 1): needs `now` as an ISO 8601 time")
            }
            var drops: [Scenario.Drop] = []
            for d in step["drop"]?.arrayValue ?? [] {
                guard let input = d["input"]?.stringValue, let name = d["name"]?.stringValue else {
                    throw fail("step \(i + 1): each drop needs `input` (cdrs or balances) and `name`")
                }
                if let source = d["file"]?.stringValue {
                    let sourcePath = PathResolver.absolute(source, relativeTo: folder)
                    guard let data = FileManager.default.contents(atPath: sourcePath) else { throw fail("step \(i + 1): cannot read \(sourcePath)") }
                    drops.append(.init(input: input, name: name, content: String(decoding: data, as: UTF8.self)))
                } else if let calls = d["calls"]?.arrayValue {
                    drops.append(.init(input: input, name: name, content: try CallGenerator.csv(calls, step: i + 1, file: file)))
                } else if let companies = d["companies"]?.arrayValue {
                    drops.append(.init(input: input, name: name, content: try CallGenerator.balances(companies, step: i + 1, file: file)))
                } else if let content = d["content"]?.stringValue {
                    drops.append(.init(input: input, name: name, content: content))
                } else {
                    throw fail("step \(i + 1): drop \(name) needs `file`, `calls`, `companies` or `content`")
                }
            }
            let e = step["expect"]?.objectValue ?? [:]
            func set(_ key: String, in object: [String: JSONValue]) -> Set<String> {
                Set((object[key]?.arrayValue ?? []).compactMap(\.stringValue))
            }
            var expectation = Scenario.Expectation()
            expectation.fired = set("fired", in: e)
            expectation.repeated = set("repeated", in: e)
            expectation.reset = set("reset", in: e)
            let penalties = e["penalties"]?.objectValue ?? [:]
            expectation.penaltiesApplied = set("applied", in: penalties)
            expectation.penaltiesLifted = set("lifted", in: penalties)
            expectation.emails = e["emails"]?.numberValue.map { Int($0) }
            expectation.sms = e["sms"]?.numberValue.map { Int($0) }
            expectation.messages = try MessageExpectations.parse(e) { fail("step \(i + 1): \($0)") }
            expectation.silenced = set("silenced", in: e)
            expectation.notices = e["notices"].map { _ in set("notices", in: e) }
            if e["critical"] != nil { expectation.critical = set("critical", in: e) }
            if e["insufficient"] != nil { expectation.insufficient = set("insufficient", in: e) }
            steps.append(.init(now: now, note: step["note"]?.stringValue ?? "", drops: drops, expect: expectation,
                               silences: try silences(step, index: i, fail: fail), expire: expiries(step)))
        }
        return Scenario(file: file, description: root["description"]?.stringValue ?? "", job: job, jobFolder: jobFolder, steps: steps)
    }
}
