import Foundation

/// How an input's files are read (behaviour.md "Feed health and live files").
public enum InputMode: String, Sendable, CaseIterable {
    /// Each file is read once, whole, once settled (behaviour.md "Inputs").
    case files
    /// One file that the switch keeps appending to (`Master.csv`): each run reads the
    /// complete lines added since the last.
    case append
}

/// `inputs.X.expect_every`: how often a new file (or new lines) must arrive.
public struct FeedExpectation: Sendable, Equatable {
    public var every: TimeSpan
    /// How often "feed stale" is sent again while the feed stays stale; nil sends it once.
    public var repeatEvery: TimeSpan?

    /// A stale feed is a standing outage: a daily reminder keeps it from being forgotten
    /// without waking anyone every hour.
    public static let defaultRepeat = TimeSpan(seconds: 86_400)
}

/// Reads the feed-health fields of an input and the job's `operators` (behaviour.md "Feed health and live files").
enum FeedParser {
    /// `mode`, `expect_every` and `stale_repeat` of one input, set on `settings`.
    static func parse(_ r: inout ObjectReader, kind: InputParser.Kind, into settings: inout InputSettings?) {
        var mode = InputMode.files
        if let name = r.string("mode") {
            if let m = InputMode(rawValue: name) {
                mode = m
            } else {
                r.problem("mode", "unknown mode \"\(name)\"; use \"files\" (each file read once, whole) or \"append\" (one file the switch keeps appending to)")
            }
        }
        if mode == .append, kind == .balances {
            r.problem("mode", "\"append\" is for CDR inputs only: a balance snapshot is a whole file, each one replacing the last")
        }
        if mode == .append, settings?.format == .buckets {
            r.problem("mode", "\"append\" reads CSV CDR exports (connexcs, freeswitch, asterisk), not the pre-aggregated buckets format")
        }
        var feed: FeedExpectation?
        if let every = r.duration("expect_every") {
            feed = FeedExpectation(every: every, repeatEvery: FeedExpectation.defaultRepeat)
        }
        if r.has("stale_repeat") {
            if feed == nil { r.problem("stale_repeat", "needs `expect_every` on the same input") }
            if case .string("none")? = r.raw("stale_repeat") {
                feed?.repeatEvery = nil
            } else if let span = r.duration("stale_repeat") {
                feed?.repeatEvery = span
            }
        }
        settings?.mode = mode
        settings?.feed = feed
    }

    /// The job's `operators`: who hears about the job itself (a stale feed). Read with the
    /// parser of an alert's `to`, so every recipient an alert accepts is accepted here.
    static func operators(_ r: inout ObjectReader) -> [Recipient] {
        guard r.has("operators") else { return [] }
        var recipients = AlertParser.parseRecipients(&r, field: "operators")
        if recipients.contains(.contacts) {
            r.problem("operators", "\"contacts\" names a company's own contacts; operators are the people who run Klaxon: write their addresses or phone numbers")
            recipients.removeAll { $0 == .contacts }
        }
        return recipients
    }

    /// An input with `expect_every` needs someone to tell, and the channels they are reached by.
    static func check(_ job: Job, diagnostics: inout Diagnostics) {
        let watched = [("balances", job.balances), ("cdrs", job.cdrs)].filter { $0.1?.feed != nil }.map(\.0)
        if !watched.isEmpty, job.operators.isEmpty {
            diagnostics.add(Problem(file: job.file, field: "operators",
                                    message: "inputs.\(watched.joined(separator: ", inputs.")) set `expect_every`, but the job has no `operators` to tell when a feed goes stale; add operators: [\"noc@example.com\"]"))
        }
        for recipient in job.operators {
            switch recipient {
            case .email where job.email == nil:
                diagnostics.add(Problem(file: job.file, field: "operators", message: "sends e-mail, but the job has no `email` settings"))
            case .phone where job.sms == nil:
                diagnostics.add(Problem(file: job.file, field: "operators", message: "sends SMS, but the job has no `sms` settings"))
            default: break
            }
        }
    }
}
