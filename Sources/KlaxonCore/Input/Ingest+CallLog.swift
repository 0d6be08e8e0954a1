import KlaxonEngine
extension KlaxonState {
    /// Before a run reads its CDR files: no log when no alert needs one; a new log
    /// when what is watched changed. A new log on a state that has read CDRs
    /// before holds every watched call only from this run on (`since`), so its
    /// windows are uncovered until they start after it.
    /// Returns the watch with each company's coverage, for the reader.
    @discardableResult
    mutating func prepareCallLog(watch: CallWatch?, nowMinute: Int32) -> CallWatch? {
        prepareCallLog(watch: watch) { readCDRsBefore in readCDRsBefore ? nowMinute : nil }
    }

    /// No log without a watch; a new one when the watch changed, holding calls from
    /// `since(readCDRsBefore)` on (nil: the whole history, for a job that never read CDRs).
    /// Then each company's coverage (which of its calls are logged) as its record now says,
    /// kept for every company, none included; a company whose coverage widened (a tag put it
    /// in an alert's scope) holds its newly watched calls only from then on.
    @discardableResult
    mutating func prepareCallLog(watch given: CallWatch?, since: (_ readCDRsBefore: Bool) -> Int32?) -> CallWatch? {
        guard var watch = given else {
            meta.fraud?.log = nil
            if meta.fraud?.isEmpty == true { meta.fraud = nil }
            return nil
        }
        let readBefore = meta.clickhouseWatermark != nil
            || meta.ledger.entries.contains { $0.key.hasPrefix("cdrs/") && $0.value.outcome == .taken }
        if meta.fraud == nil { meta.fraud = FraudState() }
        // Taken out and put back: changed through `meta.fraud?.log?`, the calls could be copied.
        var log = meta.fraud?.log ?? CallLog(watch: watch.key, since: since(readBefore))
        meta.fraud?.log = nil
        if log.watch != watch.key { log = CallLog(watch: watch.key, since: since(readBefore)) }
        let start = readBefore ? since(readBefore) : nil
        let before = log.coverage
        var coverage: [String: String] = [:]
        var memo: [UInt64: String] = [:]
        var widened: [String: [String: Bool]] = [:]
        for (id, record) in meta.companies {
            let name = watch.scopes.name(of: record.company, memo: &memo)
            coverage[id] = name
            // A log from before coverage was kept logged every company's calls; a company
            // without a coverage had no call read before.
            guard let before, let start, let old = before[id], old != name else { continue }
            let grew = widened[old, default: [:]][name] ?? CallLogCoverage(name: name).widens(CallLogCoverage(name: old))
            widened[old, default: [:]][name] = grew
            guard grew else { continue }
            // The earliest coverage is kept: what it watched was logged before every later start.
            if log.companySince[id] == nil { log.companyBefore[id] = old }
            log.companySince[id] = max(log.companySince[id] ?? .min, start)
        }
        log.coverage = coverage
        meta.fraud?.log = log
        watch.keep(coverage, table: watch.table)
        return watch
    }

    /// Adds a whole file's staged calls (the file was read completely): of each company, the
    /// calls its coverage watches. A company first seen in this run has its coverage worked out
    /// from its record, or the role it came in (it had no calls before), and kept even when it
    /// is none, so that the next run does not take it for a company whose coverage widened.
    mutating func appendCalls(from part: CDRStaging, job: Job) {
        guard var log = meta.fraud?.log else { return }
        meta.fraud?.log = nil
        defer { meta.fraud?.log = log }
        if log.coverage != nil {
            let scopes = CallLogScopes(job: job)
            var memo: [UInt64: String] = [:]
            for (i, role) in part.roles.enumerated() {
                guard let role, log.coverage?[part.companies.ids[i]] == nil else { continue }
                let id = part.companies.ids[i]
                log.coverage?[id] = scopes.name(ofNew: id, role: role, records: meta.companies, memo: &memo)
            }
        }
        guard !part.logged.isEmpty else { return }
        let table = job.destinations
        /// Company index → its coverage's number in `accepts`; -1 not worked out yet, -2 none.
        var coverageOf = [Int](repeating: -1, count: part.companies.count)
        var coverageNumbers: [String: Int] = [:]
        /// Coverage number → table index + 1 (0: other) → 1 kept, 0 not, -1 not looked at yet.
        var accepts: [[Int8]] = []
        var coverages: [CallLogCoverage] = []
        let width = (table?.names.count ?? 0) + 1
        var names: [Int32: Int32] = [:]
        var byCompany: [Int32: [LoggedCall]] = [:]
        for var entry in part.logged {
            let c = Int(entry.company)
            if coverageOf[c] == -1 {
                let name = log.coverage.map { $0[part.companies.ids[c]] ?? "" } ?? "*"
                if name.isEmpty {
                    coverageOf[c] = -2
                } else if let known = coverageNumbers[name] {
                    coverageOf[c] = known
                } else {
                    coverageOf[c] = coverages.count
                    coverageNumbers[name] = coverages.count
                    coverages.append(CallLogCoverage(name: name))
                    accepts.append([Int8](repeating: -1, count: width))
                }
            }
            let k = coverageOf[c]
            guard k >= 0 else { continue }
            let tableIndex = entry.call.destination
            let slot = Int(tableIndex) + 1
            if accepts[k][slot] == -1 {
                accepts[k][slot] = coverages[k].watches(DestinationTable.name(of: tableIndex, in: table)) ? 1 : 0
            }
            guard accepts[k][slot] == 1 else { continue }
            if tableIndex != DestinationIndex.other {
                if let known = names[tableIndex] {
                    entry.call.destination = known
                } else {
                    let index = log.nameIndex(DestinationTable.name(of: tableIndex, in: table))
                    names[tableIndex] = index
                    entry.call.destination = index
                }
            }
            byCompany[entry.company, default: []].append(entry.call)
        }
        for (company, calls) in byCompany {
            log.append(calls, company: part.companies.ids[Int(company)])
        }
    }
}
