import Foundation
import KlaxonEngine

/// Steps 3–4 of a run: takes the new settled files from the drop folders,
/// records them in the ledger, replaces the balance snapshot and folds CDRs
/// into the per-company minute buckets.
public struct Ingest {
    let job: Job
    let now: Int64
    let wallClock: Date
    /// CDR files at least this big are read on two threads (tests lower it to reach that path).
    var splitThreshold = 4 << 20

    public init(job: Job, now: Int64, wallClock: Date) {
        self.job = job
        self.now = now
        self.wallClock = wallClock
    }

    /// Mutates `state` in memory only; nothing is durable until the run commits.
    public func run(_ state: inout KlaxonState) throws(KlaxonError) -> [FileReport] {
        var reports: [FileReport] = []
        if let balances = job.balances {
            try ingestBalances(balances, state: &state, reports: &reports)
        }
        if let cdrs = job.cdrs, let clickhouse = cdrs.clickhouse {
            reports.append(ClickHousePull(job: job, now: now, settings: clickhouse).run(&state))
        } else if let cdrs = job.cdrs {
            state.meta.clickhouseWatermark = nil  // a job moved back to files: no pull holds its windows back
            try ingestCDRs(cdrs, state: &state, reports: &reports)
        }
        state.recordCoverage(keepFrom: job.oldestKeptMinute(now: now),
                             droppedTooOld: reports.contains { $0.tooOld > 0 })
        return reports
    }

    /// The settled files not yet accounted for, in name order, with their digests.
    /// With `digestNewFiles` false, a file under a new name comes without one (nil):
    /// its reader digests the bytes it parses, and the duplicate check follows the read.
    private func newFiles(_ input: InputSettings, name inputName: String, digestNewFiles: Bool = true,
                          state: inout KlaxonState, reports: inout [FileReport]) throws(KlaxonError) -> [(DropFile, String?)] {
        let listing: DropFolder.Listing
        do {
            listing = try DropFolder.list(input, wallClock: wallClock)
        } catch {
            // A missing or unreadable folder (an unmounted share, a typo) must not stop the
            // other input or the alerts: it is reported and makes the run exit 2.
            reports.append(FileReport(input: inputName, name: (input.path as NSString).lastPathComponent, outcome: .rejected, reason: error.message))
            return []
        }
        for (name, reason) in listing.skipped {
            reports.append(FileReport(input: inputName, name: name, outcome: .waiting, reason: reason))
        }
        for (name, reason) in listing.refused {
            reports.append(FileReport(input: inputName, name: name, outcome: .refused, reason: reason))
        }
        var result: [(DropFile, String?)] = []
        for file in listing.settled {
            let key = FileLedger.key(input: inputName, name: file.name)
            if let entry = state.meta.ledger.entries[key] {
                // Same size and time: the file already accounted for, not worth reading again.
                if entry.size == file.size && entry.modified == file.modified { continue }
                guard let digest = digestOrRefuse(file, input: inputName, reports: &reports) else { continue }
                if state.meta.ledger.entry(key, hasDigest: digest) { continue }
                if entry.outcome == .rejected {
                    result.append((file, digest))
                } else {
                    reports.append(FileReport(input: inputName, name: file.name, outcome: .conflict,
                                              reason: "its content changed since it was taken at \(ValueFormatter.timestamp(entry.takenAt)); skipped, not counted again — drop corrected data under a new name"))
                }
                continue
            }
            guard digestNewFiles else {
                result.append((file, nil))
                continue
            }
            guard let digest = digestOrRefuse(file, input: inputName, reports: &reports) else { continue }
            if let other = state.meta.ledger.keyWithDigest(digest, input: inputName) {
                reports.append(FileReport(input: inputName, name: file.name, outcome: .duplicate,
                                          reason: "same content as \(other), already taken; skipped"))
                record(file, digest: digest, outcome: .superseded, key: key, state: &state)
                continue
            }
            result.append((file, digest))
        }
        return result
    }

    /// The file's digest, or nil with the file refused: a file that cannot be read (its
    /// permissions, a name swapped to a pipe) is named and tried again next run, not an end to the run.
    private func digestOrRefuse(_ file: DropFile, input: String, reports: inout [FileReport]) -> String? {
        do { return try DropFolder.digest(of: file.path, identity: file.identity) } catch {
            refuse(file, input: input, error.message, reports: &reports)
            return nil
        }
    }

    private func refuse(_ file: DropFile, input: String, _ reason: String, reports: inout [FileReport]) {
        reports.append(FileReport(input: input, name: file.name, outcome: .refused, reason: "\(reason); not read, tried again next run"))
    }

    private func record(_ file: DropFile, digest: String, outcome: FileLedger.Outcome, key: String, state: inout KlaxonState) {
        state.meta.ledger.entries[key] = FileLedger.Entry(size: file.size, modified: file.modified, digest: digest, outcome: outcome, takenAt: now)
    }

    /// The newest readable snapshot wins; older new ones are superseded unread.
    private func ingestBalances(_ input: InputSettings, state: inout KlaxonState, reports: inout [FileReport]) throws(KlaxonError) {
        let files = try newFiles(input, name: "balances", state: &state, reports: &reports)
        let currentName = state.meta.snapshotFile.map { String($0.dropFirst("balances/".count)) }
        var chosen = false
        for (file, knownDigest) in files.reversed() {
            let key = FileLedger.key(input: "balances", name: file.name)
            let digest = knownDigest ?? ""  // balances are always digested first
            if chosen || (currentName.map { file.name < $0 } ?? false) {
                var report = FileReport(input: "balances", name: file.name, outcome: .superseded, reason: "an export newer by name is the snapshot")
                report.outcome = .superseded
                reports.append(report)
                record(file, digest: digest, outcome: .superseded, key: key, state: &state)
                continue
            }
            var report = FileReport(input: "balances", name: file.name, outcome: .taken)
            guard var snapshot = BalanceFileReader(input: input).read(file, report: &report) else {
                reports.append(report)
                if report.outcome == .refused { continue }
                record(file, digest: digest, outcome: .rejected, key: key, state: &state)
                continue
            }
            if let shard = job.cdrs?.clickhouse?.shard { snapshot.keep(shard, report: &report) }
            replaceSnapshot(with: snapshot, state: &state, report: &report)
            state.meta.snapshotFile = key
            reports.append(report)
            record(file, digest: digest, outcome: .taken, key: key, state: &state)
            chosen = true
        }
    }

    /// A company whose row was rejected keeps its previous snapshot row (its balance, contacts
    /// and tags) rather than reading as missing; when a rejected row's id could not be read
    /// either, every company of the previous snapshot that this one lacks keeps its row.
    private func replaceSnapshot(with snapshot: BalanceFileReader.Snapshot, state: inout KlaxonState, report: inout FileReport) {
        // Only the companies the new snapshot lacks are sorted (for the warning's
        // order), not every company's id: 300,000 of them on each new snapshot.
        var listed: Set<String>?
        var unlisted: [String] = []
        for (id, record) in state.meta.companies where record.inSnapshot {
            if listed == nil { listed = Set(snapshot.companies.map(\.id)) }
            if listed?.contains(id) == false { unlisted.append(id) }
        }
        var kept: [String] = []
        for id in unlisted.sorted() {
            if snapshot.unidentifiedLosses > 0 || snapshot.lostIDs.contains(id) {
                kept.append(id)
            } else {
                state.meta.companies[id]?.inSnapshot = false
            }
        }
        state.meta.companies.makeRoom(forUpTo: snapshot.companies.count)
        for company in snapshot.companies {
            state.meta.companies[company.id] = CompanyRecord(company: company, inSnapshot: true, lastSeen: now)
        }
        guard !kept.isEmpty else { return }
        let shown = kept.prefix(20).joined(separator: ", ") + (kept.count > 20 ? " and \(kept.count - 20) more" : "")
        let why = snapshot.unidentifiedLosses > 0
            ? "\(snapshot.unidentifiedLosses) rejected row\(snapshot.unidentifiedLosses == 1 ? "" : "s") name\(snapshot.unidentifiedLosses == 1 ? "s" : "") no readable id, so the companies of the previous snapshot missing from this one"
            : "the companies whose rows were rejected"
        report.warnings = (report.warnings ?? []) + ["\(why) keep their previous snapshot row: \(shown)"]
    }

    private func ingestCDRs(_ input: InputSettings, state: inout KlaxonState, reports: inout [FileReport]) throws(KlaxonError) {
        if input.mode == .append { return try ingestAppended(input, state: &state, reports: &reports) }
        let files = try newFiles(input, name: "cdrs", digestNewFiles: false, state: &state, reports: &reports)
        let watch = state.prepareCallLog(watch: CallWatch(job: job, now: now), nowMinute: Int32(clamping: floorDiv(now, 60)))
        // No new file (the hourly run of a quiet hour): no company table to build from the snapshot.
        guard !files.isEmpty else { return }
        let reader = CDRFileReader(
            input: input,
            knownCompanies: Self.snapshotIDs(state),
            oldestMinute: job.oldestKeptMinute(now: now),
            latestTime: now + 300,
            splitThreshold: splitThreshold,
            watch: watch)
        for (file, knownDigest) in files {
            let key = FileLedger.key(input: "cdrs", name: file.name)
            var report = FileReport(input: "cdrs", name: file.name, outcome: .taken)
            guard var staging = reader.read(file, report: &report) else {
                if report.outcome == .refused {
                    report.reason = (report.reason ?? "cannot be read") + "; not read, tried again next run"
                    reports.append(report)
                    continue
                }
                var digest = knownDigest ?? ""
                if knownDigest == nil {
                    guard let d = digestOrRefuse(file, input: "cdrs", reports: &reports) else { continue }
                    digest = d
                }
                reports.append(report)
                record(file, digest: digest, outcome: .rejected, key: key, state: &state)
                continue
            }
            if knownDigest == nil, let other = state.meta.ledger.keyWithDigest(staging.digest, input: "cdrs") {
                reports.append(FileReport(input: "cdrs", name: file.name, outcome: .duplicate,
                                          reason: "same content as \(other), already taken; skipped"))
                record(file, digest: staging.digest, outcome: .superseded, key: key, state: &state)
                continue
            }
            merge(&staging, into: &state)
            reports.append(report)
            record(file, digest: staging.digest, outcome: .taken, key: key, state: &state)
        }
    }

    /// The balance snapshot's company ids, nil without a snapshot (then every
    /// company counts). Collected straight into a set: filtering the records
    /// first copied 300,000 of them at that many companies.
    static func snapshotIDs(_ state: KlaxonState) -> Set<String>? {
        var ids = Set<String>(minimumCapacity: state.meta.companies.count)
        for (id, record) in state.meta.companies where record.inSnapshot { ids.insert(id) }
        return ids.isEmpty ? nil : ids
    }

    /// Merges a fully read file into the state, range by range in file order.
    func merge(_ staging: inout CDRFileReader.Staging, into state: inout KlaxonState) {
        var scratch: [UInt8] = []
        // A first run adds every company at once. The ranges of one file mostly meet
        // the same companies: room for the busiest range's count.
        let incoming = staging.parts.map { $0.roles.reduce(0) { $1 == nil ? $0 : $0 + 1 } }.max() ?? 0
        state.buckets.makeRoom(forUpTo: incoming)
        state.meta.failureStreaks.makeRoom(forUpTo: incoming)
        state.meta.companies.makeRoom(forUpTo: incoming)
        for p in staging.parts.indices {
            state.appendCalls(from: staging.parts[p], job: job)
            let companies = staging.parts[p].companies
            for i in staging.parts[p].roles.indices {
                guard let role = staging.parts[p].roles[i] else { continue }
                let id = companies.ids[i]
                if let encoded = staging.parts[p].buckets.encoded(of: i) {
                    state.buckets[id, default: CompanyBuckets()].append(encoded: encoded)
                } else {
                    state.buckets[id, default: CompanyBuckets()].append(staged: staging.parts[p].buckets.buckets(of: i), scratch: &scratch)
                }
                state.meta.failureStreaks[id, default: FailureStreak()].apply(staging.parts[p].failures.failures(of: i))
                for run in staging.parts[p].failureRuns[i] {
                    state.meta.failureStreaks[id, default: FailureStreak()].recordFailures(run.count, at: run.time)
                }
                // In place: copying the record out and back costs a retain per field.
                if state.meta.companies[id]?.markSeen(at: now) == nil {
                    state.meta.companies[id] = CompanyRecord(company: Company(id: id, type: role), inSnapshot: false, lastSeen: now)
                }
            }
        }
    }
}

extension Dictionary {
    /// Room for `incoming` more entries made at once when the dictionary holds fewer than
    /// that (a first run), instead of doubling and rehashing its way there; a dictionary
    /// already as big (every later run) is left as it is.
    mutating func makeRoom(forUpTo incoming: Int) {
        if count < incoming { reserveCapacity(count + incoming) }
    }
}
