import Foundation
import KlaxonCore

/// `klaxon silence add | list | expire`: the operator's silences, kept in the
/// job's state folder and changed under the job's lock.
extension Commands {
    static let silences: [Command] = [silenceAdd, silenceList, silenceExpire]

    static let waitOption = OptionSpec.value("wait", "DURATION", "wait this long for a run holding the lock (default 60s; 0s: exit 75 at once)")
    static let nowOption = OptionSpec.value("now", "T", "as if it were T (ISO 8601) instead of the wall clock, as `run --now` does")

    static let silenceAdd = Command(spec: CommandSpec(
        name: "silence add",
        summary: "Silence an alert (or every alert) for one company, a tag or all companies until a time:\nits instances are still evaluated but notify no one and apply no penalty. Prints the id.",
        arguments: [.job],
        options: [
            .value("alert", "TITLE", "the alert to silence"),
            .flag("all", "silence every alert of the job"),
            .value("company", "ID", "only this company's instances"),
            .value("tag", "TAG", "only the instances of companies with this tag"),
            .value("until", "T", "until T (ISO 8601)"),
            .value("for", "DURATION", "for this long from now (e.g. 2h, 1d)"),
            .value("comment", "TEXT", "why, for whoever reads `silence list`"),
            nowOption, waitOption, .quiet,
        ],
        conflicts: [
            Conflict("alert", "all", "--all silences every alert; give one of them"),
            Conflict("company", "tag", "a silence covers one company or one tag; add two silences for both"),
            Conflict("until", "for", "give the end as a time or as a duration, not both"),
        ]
    )) { args, out in
        withJob("silence add", args, out) { job in try named("silence add") {
            let now = try silenceNow(args)
            let request = try SilenceRequest(job: job, alert: args.options["alert"], all: args.flags.contains("all"),
                                             company: args.options["company"], tag: args.options["tag"],
                                             until: try args.date("until"), duration: args.options["for"],
                                             comment: args.options["comment"], now: now)
            let silence = try SilenceStore(job: job).update(wait: try waitSpan(args), now: now, waiting: { waitingSaid(out) }) { list in
                request.add(to: &list, now: now)
            }
            out.say("silence \(silence.id) added: \(silence.scopeText), until \(job.shownTime.timestamp(silence.until))")
            if let unknown = SilenceList.unmatched(company: silence.company, tag: silence.tag, in: try? StateStore(job: job).load()) {
                out.warn("warning: \(unknown) in the job's state, so the silence matches nothing until it appears (a typo?)")
            }
            return .clean
        } }
    }

    static let silenceList = Command(spec: CommandSpec(
        name: "silence list",
        summary: "The job's active silences, and those that ended in the last 7 days.",
        arguments: [.job],
        options: [nowOption, .quiet]
    )) { args, out in
        withJob("silence list", args, out) { job in
            let now = try silenceNow(args)
            var list = try SilenceStore(job: job).load()
            list.forgetOld(now: now)
            out.say(list.listing(now: now, shown: job.shownTime))
            return .clean
        }
    }

    static let silenceExpire = Command(spec: CommandSpec(
        name: "silence expire",
        summary: "End silence ID now: the next run notifies what it swallowed that is still triggered.",
        arguments: [.job, ArgumentSpec("ID", "the silence's id, as `silence add` and `silence list` print it")],
        options: [nowOption, waitOption, .quiet]
    )) { args, out in
        guard args.positionals.count == 2, let id = Int(args.positionals[1]), id > 0 else {
            out.warn("klaxon silence expire: ID must be a silence's number, as `klaxon silence list` shows it")
            return .invalid
        }
        switch JobLoader.load(args.positionals[0]) {
        case .failure(let e): return out.fail(e)
        case .success(let job):
            return guarded("silence expire", out) { try named("silence expire") {
                let now = try silenceNow(args)
                let silence = try SilenceStore(job: job).update(wait: try waitSpan(args), now: now, waiting: { waitingSaid(out) }) { (list: inout SilenceList) throws(KlaxonError) in
                    try list.expire(id, now: now)
                }
                let when = silence.expired == now ? "expired now" : "had already ended at \(job.shownTime.timestamp(silence.end))"
                out.say("silence \(silence.id) (\(silence.scopeText)) \(when)")
                return .clean
            } }
        }
    }

    /// Its failures said as the command's own ("klaxon: silence add: …").
    private static func named(_ command: String, _ body: () throws -> ExitCode) throws -> ExitCode {
        do { return try body() } catch let e as KlaxonError {
            throw KlaxonError(e.kind, "\(command): \(e.message)", problems: e.problems)
        }
    }

    private static func silenceNow(_ args: Arguments) throws -> Int64 {
        Int64(((try args.date("now")) ?? Date()).timeIntervalSince1970.rounded(.down))
    }

    private static func waitSpan(_ args: Arguments) throws -> TimeSpan {
        guard let text = args.options["wait"] else { return TimeSpan(seconds: 60) }
        guard let span = TimeSpan(parsing: text, allowZero: true) else {
            throw ArgumentError("--wait \"\(text)\" is not a duration; write e.g. 0s, 30s or 5m")
        }
        return span
    }

    private static func waitingSaid(_ out: Output) {
        out.warn("klaxon silence: a run of this job holds its lock; waiting for it to finish")
    }
}
