import KlaxonEngine
extension KlaxonState {
    /// Before a run reads its CDR files: no log when no alert needs one; a new log
    /// when what is watched changed. A new log on a state that has read CDRs
    /// before holds every watched call only from this run on (`since`), so its
    /// windows are uncovered until they start after it.
    mutating func prepareCallLog(watch: CallWatch?, nowMinute: Int32) {
        prepareCallLog(watch: watch) { readCDRsBefore in readCDRsBefore ? nowMinute : nil }
    }

    /// No log without a watch; a new one when the watch changed, holding calls from
    /// `since(readCDRsBefore)` on (nil: the whole history, for a job that never read CDRs).
    mutating func prepareCallLog(watch: CallWatch?, since: (_ readCDRsBefore: Bool) -> Int32?) {
        guard let watch else {
            meta.fraud?.log = nil
            if meta.fraud?.isEmpty == true { meta.fraud = nil }
            return
        }
        if meta.fraud?.log?.watch == watch.key { return }
        let readBefore = meta.clickhouseWatermark != nil
            || meta.ledger.entries.contains { $0.key.hasPrefix("cdrs/") && $0.value.outcome == .taken }
        if meta.fraud == nil { meta.fraud = FraudState() }
        meta.fraud?.log = CallLog(watch: watch.key, since: since(readBefore))
    }

    /// Adds a whole file's staged calls (the file was read completely).
    mutating func appendCalls(_ staged: [(company: Int32, call: LoggedCall)], companies: CompanyTable, table: DestinationTable?) {
        guard !staged.isEmpty, meta.fraud?.log != nil else { return }
        var byCompany: [Int32: [LoggedCall]] = [:]
        var names: [Int32: Int32] = [:]
        for var entry in staged {
            if entry.call.destination != DestinationIndex.other {
                let tableIndex = entry.call.destination
                if let known = names[tableIndex] {
                    entry.call.destination = known
                } else {
                    let name = table.map { $0.names[Int(tableIndex)] } ?? DestinationTable.other
                    let index = meta.fraud?.log?.nameIndex(name) ?? DestinationIndex.other
                    names[tableIndex] = index
                    entry.call.destination = index
                }
            }
            byCompany[entry.company, default: []].append(entry.call)
        }
        for (company, calls) in byCompany {
            meta.fraud?.log?.append(calls, company: companies.ids[Int(company)])
        }
    }
}
