import Foundation

/// `klaxon silence add` checked against the job before anything is written:
/// an unknown alert, a time in the past or a malformed duration is refused
/// (exit 1) with what to write instead.
public struct SilenceRequest: Sendable {
    public var alert: String?
    public var company: String?
    public var tag: String?
    public var until: Int64
    public var comment: String?

    public init(job: Job, alert: String?, all: Bool, company: String?, tag: String?,
                until: Date?, duration: String?, comment: String?, now: Int64) throws(KlaxonError) {
        func refuse(_ message: String) -> KlaxonError { KlaxonError(.invalidJob, message) }
        if alert == nil && !all { throw refuse("say what to silence: --alert TITLE, or --all for every alert of the job") }
        if let alert, !job.alerts.contains(where: { $0.title == alert }) {
            let titles = job.alerts.map(\.title)
            throw refuse("job \"\(job.name)\" has no alert \"\(alert)\"\(Suggestion.didYouMean(alert, among: titles, prefix: "")); its alerts are \(titles.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        if let company, company.isEmpty { throw refuse("--company is empty; give a company id") }
        if let tag, tag.isEmpty { throw refuse("--tag is empty; give a tag") }
        switch (until, duration) {
        case (let until?, nil):
            let end = Int64(until.timeIntervalSince1970.rounded(.down))
            guard end > now else {
                throw refuse("--until \(ValueFormatter.timestamp(end)) is not in the future (it is now \(ValueFormatter.timestamp(now))); a silence must end later than now")
            }
            self.until = end
        case (nil, let text?):
            guard let span = TimeSpan(parsing: text) else {
                throw refuse(TimeSpan.tooLong(text).map { "--for: \($0)" } ?? "--for \"\(text)\" is not a duration; write e.g. 30m, 2h, 1d or 1h30m")
            }
            self.until = now + span.seconds
        default:
            throw refuse("say how long: --until T (ISO 8601) or --for DURATION (e.g. 2h)")
        }
        self.alert = all ? nil : alert
        self.company = company
        self.tag = tag
        self.comment = comment
    }

    /// Adds it to `list` with the next id.
    public func add(to list: inout SilenceList, now: Int64) -> Silence {
        let silence = Silence(id: list.nextID, alert: alert, company: company, tag: tag, created: now, until: until, comment: comment)
        list.nextID += 1
        list.silences.append(silence)
        return silence
    }
}

extension SilenceList {
    /// `klaxon silence expire`: ends silence `id` now. A silence already over is left as it
    /// was (its end stays what it was) and said so; an unknown id is refused.
    public mutating func expire(_ id: Int, now: Int64) throws(KlaxonError) -> Silence {
        guard let i = silences.firstIndex(where: { $0.id == id }) else {
            let known = silences.map { String($0.id) }
            throw KlaxonError(.invalidJob, "no silence \(id)\(known.isEmpty ? " (there are none)" : "; the silences are \(known.joined(separator: ", "))")")
        }
        if silences[i].isActive(at: now) { silences[i].expired = now }
        return silences[i]
    }

    /// "no company C01" when a silence names a company or tag the committed state has
    /// never seen (a typo silences nothing and looks like success); nil when it is known
    /// or there is no state to ask yet.
    public static func unmatched(company: String?, tag: String?, in state: KlaxonState?) -> String? {
        guard let state, !state.meta.companies.isEmpty else { return nil }
        if let company, state.meta.companies[company] == nil { return "no company \(company)" }
        if let tag, !state.meta.companies.values.contains(where: { $0.currentView.tags.contains(tag) }) {
            return "no company tagged \(tag)"
        }
        return nil
    }

    /// `klaxon silence list`: the active ones, then those ended in the last week.
    public func listing(now: Int64, shown: ShownTime = .utc) -> String {
        let active = silences.filter { $0.isActive(at: now) }
        let ended = silences.filter { !$0.isActive(at: now) }
        var lines = ["active silences: \(active.count)"]
        for s in active { lines.append("  " + Self.line(s, state: "until \(shown.timestamp(s.until))", shown: shown)) }
        lines.append("expired in the last 7 days: \(ended.count)")
        for s in ended {
            let how = s.expired.map { "expired by hand at \(shown.timestamp($0))" } ?? "ended at \(shown.timestamp(s.until))"
            lines.append("  " + Self.line(s, state: how, shown: shown))
        }
        return lines.joined(separator: "\n")
    }

    private static func line(_ s: Silence, state: String, shown: ShownTime) -> String {
        PrintableText.make("\(s.id): \(s.scopeText), \(state), added \(shown.timestamp(s.created))\(s.comment.map { " — \($0)" } ?? "")")
    }
}
