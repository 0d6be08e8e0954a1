import Foundation
import KlaxonEngine
import KlaxonSystem

/// One scheduled run of one job (behaviour.md "A run"): lock, ingest, evaluate, commit,
/// deliver, report.
public struct Runner {
    let job: Job
    let options: RunOptions
    let sink: any DeliverySink

    public init(job: Job, options: RunOptions, sink: (any DeliverySink)? = nil) {
        self.job = job
        self.options = options
        self.sink = sink ?? options.deliverTo.map { FileSink(directory: $0) } ?? TransportSink(job: job)
    }

    public func run() throws(KlaxonError) -> RunReport {
        let started = Date()
        let now = Int64((options.now ?? options.wallClock).timeIntervalSince1970.rounded(.down))
        let store = StateStore(job: job)
        // A dry run must not even create the state folder or its lock file.
        let lock: RunLock? = options.dryRun && !FileManager.default.fileExists(atPath: store.directory + "/lock")
            ? nil : try RunLock(stateDirectory: store.directory)
        defer { withExtendedLifetime(lock) {} }

        var mark = Date()
        var state = try store.load()
        let journal = DeliveryJournal(path: store.journalFile)
        state.applyCounting(journal)
        let metrics = MetricsRecorder(job: job, now: now, started: started, dryRun: options.dryRun, state: &state)
        var report = RunReport(job: job.name, now: ValueFormatter.timestamp(now), dryRun: options.dryRun)
        report.timings.loadMilliseconds = Self.milliseconds(since: &mark)

        do { report.files = try Ingest(job: job, now: now, wallClock: options.wallClock).run(&state) } catch {
            throw metrics?.failed(error) ?? error
        }
        state.countRun(files: report.files)
        for f in report.files {
            report.rows.read += f.rows
            report.rows.folded += f.folded
            report.rows.rejected += f.rejectedRows
            report.rows.tooOld += f.tooOld
            report.rows.inFuture += f.inFuture
        }
        report.warnings += FileReport.droppedRowWarnings(report.files, now: now, oldestMinute: job.oldestKeptMinute(now: now), longestWindow: job.longestWindow)
        report.timings.ingestMilliseconds = Self.milliseconds(since: &mark)

        let scripts = ScriptAlerts(job: job, now: now).run(state: state)
        report.warnings += scripts.warnings
        var evaluator = Evaluator(job: job, now: now)
        do { evaluator.silences = try SilenceStore(job: job).load().silences } catch { throw metrics?.failed(error) ?? error }
        let evaluation = evaluator.evaluate(&state, scriptObservations: scripts.verdicts)
        let feeds = FeedWatch(job: job, now: now).evaluate(&state, files: report.files)
        report.feeds = feeds.statuses.isEmpty ? nil : feeds.statuses
        report.warnings += feeds.warnings
        report.alerts = evaluation.summaries
        report.decisions = evaluation.decisions.filter { $0.decision != .ok && $0.decision != .held }
        report.penalties = evaluation.penaltyActions
        report.dropped = evaluation.dropped
        let composed = NotificationComposer(job: FeedTemplate.job(job), now: now).compose(events: evaluation.events + feeds.events, penaltyActions: evaluation.penaltyActions)
        report.warnings += composed.warnings
        state.meta.outbox += composed.items
        report.dropped += Self.forgetDead(&state.meta.outbox, now: now)
        if let mail = ReportMail(job: job, now: now).item(state: state) { state.meta.outbox.append(mail) }
        let keepFrom = job.oldestKeptMinute(now: now)
        state.rollUpAndPrune(before: keepFrom, job: job, now: now)
        Self.prune(&state.buckets, before: keepFrom)
        state.meta.lastRun = now
        report.timings.evaluateMilliseconds = Self.milliseconds(since: &mark)

        if options.dryRun {
            report.notifications = state.meta.outbox.filter { !$0.dead }.map { item in
                Outbox.Outcome(id: item.id, channel: item.channel, alert: item.alert, company: item.company, kind: item.kind,
                               recipients: item.recipients, subject: item.subject, result: .waiting, error: nil, attempts: item.attempts, digest: item.digest)
            }
            report.previews = DryRunPreview.texts(events: evaluation.events + feeds.events, job: FeedTemplate.job(job), now: now)
            report.exitCode = report.inputNeedsAttention || !scripts.failed.isEmpty || composed.unnotified > 0 || feeds.stale ? 2 : 0
            report.timings.totalMilliseconds = Self.milliseconds(since: started)
            writeRequestedReport(&report)
            return report
        }

        // One atomic commit of state, ledger, penalties and the decided outbox, before any send.
        let backupWarnings: [String]
        do { backupWarnings = try store.save(state) } catch { throw metrics?.failed(error) ?? error }
        report.warnings += backupWarnings
        // What could not be written after the commit is no state failure, but the run is not clean either.
        var unwritten = !backupWarnings.isEmpty
        journal.clear()
        report.timings.commitMilliseconds = Self.milliseconds(since: &mark)

        if let file = job.penalties.file {
            // The folder is often the switch's: only this file's own leftovers are Klaxon's to remove.
            AtomicFile.removeStaleTemporaries(in: (file as NSString).deletingLastPathComponent, of: [(file as NSString).lastPathComponent])
            do { try AtomicFile.write(PenaltyBook.csv(state.meta.penalties), to: file, mode: job.penalties.fileMode) } catch {
                report.warnings.append("the penalties file could not be written: \(error.description); the switch still has the previous set")
                unwritten = true
            }
        }
        let outbox = Outbox(settings: job.delivery, journal: journal, penaltyLog: job.penalties.log, now: now)
        let channels = metrics == nil ? [:] : Dictionary(state.meta.outbox.map { ($0.id, $0.channel) }, uniquingKeysWith: { a, _ in a })
        let warningsBefore = report.warnings.count
        report.notifications = outbox.deliver(&state.meta.outbox, through: sink, warnings: &report.warnings)
        if report.warnings.count > warningsBefore { unwritten = true }
        report.timings.deliverMilliseconds = Self.milliseconds(since: &mark)
        let decisionsJSON = DecisionsJSON(report.decisions)
        report.timings.reportMilliseconds = Self.milliseconds(since: &mark)

        let needsAttention = unwritten || !scripts.failed.isEmpty || composed.unnotified > 0 || feeds.stale
        report.exitCode = max(report.computedExitCode, needsAttention ? 2 : 0)
        report.timings.totalMilliseconds = Self.milliseconds(since: started)
        var archiveWarnings: [String] = []
        let encoded = ReportArchive.encode(report, decisions: decisionsJSON)
        ReportArchive(directory: store.reportsDirectory).write(encoded: encoded, of: report, warnings: &archiveWarnings)
        report.warnings += archiveWarnings
        if !archiveWarnings.isEmpty { report.exitCode = max(report.exitCode, 2) }
        // The archived report is the one `--report` asks for, unless archiving added a warning.
        writeRequestedReport(&report, encoded: archiveWarnings.isEmpty ? encoded : nil)
        if let metrics {
            // This run's attempts are in the journal now; the next run's load counts them into its commit.
            var counters = state.meta.runCounters ?? RunCounters()
            counters.countDeliveries(journal.entries(), channels: channels)
            let file = metrics.file(counters: counters, gauges: MetricsFile.Gauges(job: job, state: state), succeeded: report.exitCode == 0)
            if let warning = metrics.write(file) {
                report.warnings.append(warning)
                report.exitCode = max(report.exitCode, 2)
            }
        }
        return report
    }

    /// Drops the buckets before `minute` from every company, and the companies left
    /// with none. In place, through `values` with a bare index: writing by key while
    /// iterating the keys copied the whole dictionary, and filtering it rebuilt it
    /// even when no company was left empty.
    static func prune(_ buckets: inout [String: CompanyBuckets], before minute: Int32) {
        var emptied = false
        var i = buckets.values.startIndex
        while i != buckets.values.endIndex {
            buckets.values[i].prune(before: minute)
            if buckets.values[i].isEmpty { emptied = true }
            buckets.values.formIndex(after: &i)
        }
        if emptied { buckets = buckets.filter { !$0.value.isEmpty } }
    }

    /// Dead items stay visible in `klaxon status` and every run report for a week, then go:
    /// an outbox that only grows would make every run slower.
    static let keepDead: Int64 = 7 * 86_400

    static func forgetDead(_ outbox: inout [OutboxItem], now: Int64) -> [String] {
        let old = outbox.filter { $0.dead && $0.createdAt < now - keepDead }
        outbox.removeAll { $0.dead && $0.createdAt < now - keepDead }
        return old.map { "outbox \($0.channel.rawValue) to \($0.recipients.joined(separator: ", ")) (\($0.alert ?? $0.kind)), dead since it was decided at \(ValueFormatter.timestamp($0.createdAt)): removed after 7 days" }
    }

    /// `--report FILE`. Its failure comes after the commit: the state is fine, so it is a
    /// warning and exit 2, never exit 3, which would send an operator to restore `state.bak`.
    private func writeRequestedReport(_ report: inout RunReport, encoded: String? = nil) {
        guard let path = options.reportPath else { return }
        do { try AtomicFile.write(encoded ?? ReportArchive.encode(report), to: path) } catch {
            report.warnings.append("the report could not be written to --report \(path): \(error.description); the run itself is complete and its state committed")
            report.exitCode = max(report.exitCode, 2)
        }
    }

    static func milliseconds(since mark: inout Date) -> Int {
        let now = Date()
        defer { mark = now }
        return Int(now.timeIntervalSince(mark) * 1000)
    }

    static func milliseconds(since start: Date) -> Int { Int(Date().timeIntervalSince(start) * 1000) }
}
