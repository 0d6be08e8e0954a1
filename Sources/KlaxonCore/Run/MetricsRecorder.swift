import Foundation
import KlaxonSystem

/// The metrics file of one run (behaviour.md "Feed health and live files"): what it needs from the start of the run,
/// and the write at its end. A run that fails after reading its state still writes
/// one, saying only what is true: this run's time and duration, the last success
/// carried over, and the counters and gauges of the state as last committed.
struct MetricsRecorder {
    let path: String
    let job: Job
    let now: Int64
    let started: Date
    /// The last clean run known before this one: from the previous metrics file, or the state.
    let lastSuccess: Int64?
    /// The committed state's view, for a run that commits nothing.
    let committedCounters: RunCounters
    let committedGauges: MetricsFile.Gauges

    /// nil when the job has no `metrics_file`, or for a dry run (which writes nothing).
    /// Records the carried success in `state`, so that its commit keeps a copy.
    init?(job: Job, now: Int64, started: Date, dryRun: Bool, state: inout KlaxonState) {
        guard let path = job.metricsFile, !dryRun else { return nil }
        self.path = path
        self.job = job
        self.now = now
        self.started = started
        var counters = state.meta.runCounters ?? RunCounters()
        let known = [MetricsFile.lastSuccess(inFileAt: path), counters.lastSuccess].compactMap { $0 }.max()
        lastSuccess = known
        counters.lastSuccess = known
        state.meta.runCounters = counters
        committedCounters = counters
        committedGauges = MetricsFile.Gauges(job: job, state: state)
    }

    func file(counters: RunCounters, gauges: MetricsFile.Gauges, succeeded: Bool) -> MetricsFile {
        MetricsFile(job: job.name, inputs: [job.balances.map { _ in "balances" }, job.cdrs.map { _ in "cdrs" }].compactMap { $0 },
                    lastRun: now, lastSuccess: succeeded ? now : lastSuccess,
                    durationSeconds: Date().timeIntervalSince(started), counters: counters, gauges: gauges)
    }

    /// Writes the file; the warning to print when it could not be written.
    func write(_ file: MetricsFile) -> String? {
        // The folder is node_exporter's: only this file's own leftovers are Klaxon's to remove.
        AtomicFile.removeStaleTemporaries(in: (path as NSString).deletingLastPathComponent, of: [(path as NSString).lastPathComponent])
        // node_exporter reads it as another user: a new file is world-readable (it holds no secret);
        // an existing one keeps the mode the operator gave it.
        let mode: UInt16? = FileManager.default.fileExists(atPath: path) ? nil : 0o644
        do throws(AtomicFile.WriteError) {
            try AtomicFile.write(file.render(), to: path, mode: mode)
            return nil
        } catch {
            return "the metrics file could not be written: \(error.description); node_exporter still shows the previous run's metrics"
        }
    }

    /// After a run that failed past its load: the file from the committed state, and the
    /// error to throw, which says so when the file could not be written either.
    func failed(_ error: KlaxonError) -> KlaxonError {
        guard let warning = write(file(counters: committedCounters, gauges: committedGauges, succeeded: false)) else { return error }
        var error = error
        error.message += "; \(warning)"
        return error
    }
}
