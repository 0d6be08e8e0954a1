import Foundation

/// What the state remembers of one watched input (behaviour.md "Feed health and live files").
public struct FeedState: Sendable, Codable, Equatable {
    /// The `now` of the last run that took a file (or, in append mode, new lines) from it.
    public var lastArrival: Int64
    /// The job-level alert "feed stale: X", stepped by the state machine as any alert's instance.
    public var instance: AlertInstance
}

/// One watched input as a run saw it, for the run report.
public struct FeedStatus: Sendable, Codable, Equatable {
    public var input: String
    public var alert: String
    public var stale: Bool
    public var lastArrival: String
    public var expectEvery: String
    public var decision: Decision
}

/// The job-level "feed stale: X" alerts: an input with `expect_every` that has taken
/// nothing new for longer than that fires to the job's `operators`, repeats per
/// `stale_repeat`, and resets, with a notice, when something arrives.
struct FeedWatch {
    let job: Job
    let now: Int64

    struct Result: Sendable {
        var events: [AlertEvent] = []
        var statuses: [FeedStatus] = []
        var warnings: [String] = []
        var stale: Bool { statuses.contains(where: \.stale) }
    }

    static func title(_ input: String) -> String { "feed stale: \(input)" }

    var watched: [(name: String, input: InputSettings, feed: FeedExpectation)] {
        [("balances", job.balances), ("cdrs", job.cdrs)].compactMap { name, input in
            input.flatMap { i in i.feed.map { (name, i, $0) } }
        }
    }

    /// Steps every watched input's alert after this run's ingest (`files`).
    func evaluate(_ state: inout KlaxonState, files: [FileReport]) -> Result {
        var result = Result()
        var feeds = state.meta.feeds ?? [:]
        let names = Set(watched.map(\.name))
        feeds = feeds.filter { names.contains($0.key) }
        for (name, input, feed) in watched {
            let alert = Self.alert(job: job, input: name, feed: feed)
            var record = feeds[name] ?? FeedState(lastArrival: firstArrival(of: name, ledger: state.meta.ledger),
                                                  instance: AlertInstance(alert: alert.title, company: name))
            let gap = now - record.lastArrival
            if files.contains(where: { $0.input == name && $0.outcome == .taken }) { record.lastArrival = now }
            let age = now - record.lastArrival
            let stale = age > feed.every.seconds
            let decision = StateMachine.step(&record.instance, alert: alert,
                                             observation: .measured(value: Double(age), holds: stale, resets: !stale),
                                             now: now, interval: job.interval)
            feeds[name] = record
            // Told twice: the message (people, the job's zone) and the run report's warning, which
            // stderr repeats word for word (a machine output: UTC, as every time in the report).
            func sentence(_ time: (Int64) -> String) -> String {
                decision == .reset
                    ? "New \(name) data arrived at \(time(now)), after \(TimeSpan(seconds: gap)) without any; the feed is healthy again."
                    : "No new \(name) data has been taken since \(time(record.lastArrival)) (\(TimeSpan(seconds: max(age, 0))) ago); the job expects some at least every \(feed.every). Check the switch's export and the drop folder \(input.path)."
            }
            let since = ValueFormatter.timestamp(record.lastArrival)
            let message = sentence(job.shownTime.timestamp)
            if stale { result.warnings.append("\(alert.title): \(sentence(ValueFormatter.timestamp))") }
            let kind: NotificationKind? = decision == .fired ? .fired : decision == .repeated ? .repeat : decision == .reset ? .reset : nil
            if let kind {
                result.events.append(AlertEvent(alert: alert, company: Company(id: name, name: job.name), kind: kind, value: Double(age),
                                                message: message, window: nil, penaltyUntil: nil, now: now))
            }
            result.statuses.append(FeedStatus(input: name, alert: alert.title, stale: stale, lastArrival: since,
                                              expectEvery: feed.every.description, decision: decision))
        }
        state.meta.feeds = feeds.isEmpty ? nil : feeds
        return result
    }

    /// A feed first watched counts from its newest file already in the ledger, or, in a fresh
    /// state, from this run: a job never gets a "stale" alert on its very first run.
    private func firstArrival(of input: String, ledger: FileLedger) -> Int64 {
        ledger.entries.filter { $0.key.hasPrefix(input + "/") && $0.value.outcome == .taken }.map(\.value.takenAt).max() ?? now
    }

    /// The alert as the state machine and the notification composer see it.
    static func alert(job: Job, input: String, feed: FeedExpectation) -> AlertDefinition {
        AlertDefinition(title: title(input), file: job.file, scope: .company(input), recipients: job.operators, area: .attempts,
                        comparison: .greaterThan, threshold: Double(feed.every.seconds), resetThreshold: nil, samplePeriod: nil,
                        minCalls: 0, penalty: nil, template: "feed", repeatEvery: feed.repeatEvery, level: .error, sendReset: true,
                        script: nil)
    }
}

extension FeedWatch {
    /// `klaxon status`: every watched input, stale or not.
    static func statusLines(job: Job, state: KlaxonState) -> [String] {
        let watched = FeedWatch(job: job, now: 0).watched
        guard !watched.isEmpty else { return [] }
        var lines = ["feeds: \(watched.count) watched"]
        for (name, _, feed) in watched {
            guard let record = state.meta.feeds?[name] else {
                lines.append("  \(title(name)): not yet checked (expected every \(feed.every))")
                continue
            }
            let status = record.instance.status == .triggered
                ? "STALE since \(record.instance.triggeredSince.map(job.shownTime.timestamp) ?? "-")" : "ok"
            lines.append("  \(title(name)): \(status); last data taken \(job.shownTime.timestamp(record.lastArrival)), expected every \(feed.every)")
        }
        return lines
    }

    /// The run summary's line: every watched input, and what its alert did this run.
    static func summaryLines(_ feeds: [FeedStatus]) -> [String] {
        guard !feeds.isEmpty else { return [] }
        return ["feeds: " + feeds.map { f in
            let state = f.stale ? "STALE (last data \(f.lastArrival))" : "ok"
            let did = [.fired, .repeated, .reset].contains(f.decision) ? ", \(f.decision.rawValue)" : ""
            return "\(f.input) \(state)\(did)"
        }.joined(separator: "; ")]
    }

    /// `klaxon_alert_instances` series of the watched inputs: one instance each, ok or triggered.
    static func gauges(job: Job, state: KlaxonState) -> [(alert: String, ok: Int, triggered: Int)] {
        FeedWatch(job: job, now: 0).watched.map { name, _, _ in
            let triggered = state.meta.feeds?[name]?.instance.status == .triggered
            return (title(name), triggered ? 0 : 1, triggered ? 1 : 0)
        }
    }
}
