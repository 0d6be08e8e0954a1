import Foundation

/// The silence steps of a scenario: `silence: [{ alert | all, company | tag,
/// for | until, comment }]` adds silences at the step's `now`, before its run,
/// as `klaxon silence add --now` would; `silence_expire: [ids]` ends them
/// (ids count from 1 in the order they were added).
struct ScenarioSilence {
    var alert: String?
    var all: Bool
    var company: String?
    var tag: String?
    var until: Date?
    var duration: String?
    var comment: String?
}

extension ScenarioParser {
    static func silences(_ step: [String: JSONValue], index: Int, fail: (String) -> KlaxonError) throws(KlaxonError) -> [ScenarioSilence] {
        var out: [ScenarioSilence] = []
        for value in step["silence"]?.arrayValue ?? [] {
            guard let s = value.objectValue else { throw fail("step \(index + 1): each silence is an object { alert or all, company or tag, for or until }") }
            var until: Date?
            if let text = s["until"]?.stringValue {
                guard let date = ISO8601Parsing.date(text) else { throw fail("step \(index + 1): silence `until` \"\(text)\" is not an ISO 8601 time") }
                until = date
            }
            out.append(ScenarioSilence(alert: s["alert"]?.stringValue, all: s["all"]?.boolValue ?? false,
                                       company: s["company"]?.stringValue, tag: s["tag"]?.stringValue, until: until,
                                       duration: s["for"]?.stringValue, comment: s["comment"]?.stringValue))
        }
        return out
    }

    static func expiries(_ step: [String: JSONValue]) -> [Int] {
        (step["silence_expire"]?.arrayValue ?? []).compactMap { $0.numberValue.map { Int($0) } }
    }
}

extension ScenarioRunner {
    /// Adds and expires the step's silences in the scratch state, under its lock.
    func applySilences(_ step: Scenario.Step, job: Job) throws(KlaxonError) {
        guard !step.silences.isEmpty || !step.expire.isEmpty else { return }
        let now = Int64(step.now.timeIntervalSince1970.rounded(.down))
        let requests = try step.silences.map { (s) throws(KlaxonError) in
            try SilenceRequest(job: job, alert: s.alert, all: s.all, company: s.company, tag: s.tag,
                               until: s.until, duration: s.duration, comment: s.comment, now: now)
        }
        try SilenceStore(job: job).update(wait: TimeSpan(seconds: 0), now: now) { (list: inout SilenceList) throws(KlaxonError) in
            for request in requests { _ = request.add(to: &list, now: now) }
            for id in step.expire { _ = try list.expire(id, now: now) }
        }
    }

    /// `silenced` (always checked; omitted means none) and `notices` (checked when given).
    static func compareSilences(_ expect: Scenario.Expectation, with report: RunReport) -> [String] {
        var out: [String] = []
        let silenced = Set(report.decisions.filter { $0.silenced != nil }.map { "\($0.alert)/\($0.company)" })
        if silenced != expect.silenced {
            out.append("silenced: expected [\(expect.silenced.sorted().joined(separator: ", "))], got [\(silenced.sorted().joined(separator: ", "))]")
        }
        if let notices = expect.notices {
            let sent = Set(report.notifications.filter { $0.result == .sent && ($0.channel == .email || $0.channel == .sms) }
                .map { "\($0.kind) \($0.alert ?? "")/\($0.company ?? "")" })
            if sent != notices {
                out.append("notices: expected [\(notices.sorted().joined(separator: ", "))], got [\(sent.sorted().joined(separator: ", "))]")
            }
        }
        return out
    }
}
