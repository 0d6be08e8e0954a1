import Foundation
import KlaxonEngine

extension Ingest {
    /// CDRs in append mode (behaviour.md "Feed health and live files"): each listed file is read from where the last run
    /// stopped to its last complete line. The new offset goes into the ledger in memory,
    /// so it is committed in the same atomic write as the rows it counted.
    func ingestAppended(_ input: InputSettings, state: inout KlaxonState, reports: inout [FileReport]) throws(KlaxonError) {
        let listing: DropFolder.Listing
        do { listing = try DropFolder.list(input, wallClock: wallClock) } catch {
            reports.append(FileReport(input: "cdrs", name: (input.path as NSString).lastPathComponent, outcome: .rejected, reason: error.message))
            return
        }
        for (name, reason) in listing.skipped { reports.append(FileReport(input: "cdrs", name: name, outcome: .waiting, reason: reason)) }
        for (name, reason) in listing.refused { reports.append(FileReport(input: "cdrs", name: name, outcome: .refused, reason: reason)) }
        // Fraud and per-destination alerts read each call, as from whole files.
        var reader = CDRFileReader(input: input, knownCompanies: Self.snapshotIDs(state),
                                   oldestMinute: job.oldestKeptMinute(now: now), latestTime: now + 300, watch: CallWatch(job: job, now: now))
        reader.watch = state.prepareCallLog(watch: reader.watch, nowMinute: Int32(clamping: floorDiv(now, 60)))
        // As committed before this run: a rotated file is matched against what its old name held.
        let before = state.meta.ledger.entries.filter { $0.key.hasPrefix("cdrs/") && $0.value.offset != nil }
            .sorted { $0.key < $1.key }.map { (key: $0.key, entry: $0.value) }
        for file in listing.settled {
            let key = FileLedger.key(input: "cdrs", name: file.name)
            var report = FileReport(input: "cdrs", name: file.name, outcome: .taken)
            var from = 0, lines = 0, prefix = BlockDigest()
            // The entry this file goes on from: its own, or that of the file it was before a rotation.
            var carried = state.meta.ledger.entries[key]
            do {
                var start = try AppendedFile.start(of: file, entry: state.meta.ledger.entries[key])
                var isNewName = false
                if case .fresh = start, state.meta.ledger.entries[key] == nil { isNewName = true }
                if case .restart = start { isNewName = true }
                // A new name, or a known one whose bytes are now another's (numbered rotation moves
                // Master.csv.1 to .2 and Master.csv to .1): go on from the file these bytes were.
                if isNewName, let (other, continued) = try AppendedFile.continued(file, among: before.filter { $0.key != key }) {
                    start = continued
                    carried = before.first { $0.key == other }?.entry
                    report.warnings = ["its first bytes are those already read from \(other) (rotated or copied): read from where that stopped"]
                }
                switch start {
                case .unchanged: continue
                case .fresh: break
                case .resume(let offset, let before, let digest): (from, lines, prefix) = (offset, before, digest)
                case .restart(let reason):
                    report.warnings = ["\(reason): read again as a new file from its start"]
                }
                let end = try AppendedFile.completeEnd(of: file, from: from)
                if end == from, from > 0, let carried {
                    // Nothing new, but this name now holds what was read: recorded, so that the next
                    // run resumes here instead of taking the file for a new one and reading it whole.
                    state.meta.ledger.entries[key] = FileLedger.Entry(size: file.size, modified: file.modified, digest: prefix.finalize() ?? carried.digest,
                                                                      outcome: .taken, takenAt: carried.takenAt, offset: Int64(from), lines: lines)
                }
                if end == from {
                    if Int(file.size) > from {
                        reports.append(FileReport(input: "cdrs", name: file.name, outcome: .waiting, reason: "a last line without its line end waits for the next run"))
                    }
                    continue
                }
                guard let read = reader.readAppended(file, from: from, to: end, lines: lines, prefix: prefix, report: &report) else {
                    if report.outcome == .rejected, from == 0 {
                        // Not this kind of export (binary, a compressed rotation): said once, and read
                        // again only once the file changes, as a rejected whole file is.
                        report.reason = (report.reason ?? "cannot be read") + "; nothing counted, read again once the file changes"
                        state.meta.ledger.entries[key] = FileLedger.Entry(size: file.size, modified: file.modified, digest: "",
                                                                          outcome: .rejected, takenAt: now)
                    } else if report.outcome == .rejected {
                        // Its earlier lines were counted: the offset is kept, and the new lines are read again next run.
                        report.reason = (report.reason ?? "cannot be read") + "; nothing counted, read again next run"
                    }
                    reports.append(report)
                    continue
                }
                var staging = CDRFileReader.Staging(parts: [read.staging], digest: read.digest)
                merge(&staging, into: &state)
                state.meta.ledger.entries[key] = FileLedger.Entry(size: file.size, modified: file.modified, digest: read.digest,
                                                                  outcome: .taken, takenAt: now, offset: Int64(read.end), lines: read.lines)
                reports.append(report)
            } catch {
                reports.append(FileReport(input: "cdrs", name: file.name, outcome: .refused, reason: "\(error.message); not read, tried again next run"))
            }
        }
    }
}
