/// The calls a pull brings for the call log (behaviour.md "Destinations, fraud rules and baselines" alerts on a pull): those of the
/// destinations the job's per-destination alerts watch, over the pulled minutes.
extension ClickHousePull {
    func fetchCalls(_ watch: CallWatch, from: Int32, to: Int32) -> RowParse<[PulledCall]> {
        let prefixes = job.destinations?.prefixDigits(of: Set((watch.watched.indices).filter { watch.watched[$0] }.map { Int32($0) })) ?? []
        let sql = ClickHouseCallQuery(settings: settings, prefixes: prefixes).sql(from: Int64(from) * 60, to: Int64(to) * 60)
        switch post(sql) {
        case .failure(let reason): return .failure("calls of watched destinations: \(reason)")
        case .success(let body):
            switch ClickHouseCallAnswer.parse(body) {
            case .success(let calls): return .success(calls)
            case .failure(let reason): return .failure("malformed answer: \(reason)")
            }
        }
    }

    /// Puts the pulled calls in place of what the log held for minutes [from, to): a minute
    /// pulled again for `late` holds each call once. A call counts for its customer and its
    /// carrier, each when calls may count for it (in the snapshot, and in this job's shard).
    func replaceCalls(_ calls: [PulledCall], watch: CallWatch, from: Int32, to: Int32, state: inout KlaxonState) {
        guard var log = state.meta.fraud?.log else { return }
        // Minutes before the log's window were rolled up into the hourly totals at the end of an
        // earlier run: pulled again for `late`, their calls would be counted there twice.
        let start = Int64(max(from, job.callLogKeepMinute(now: now))) * 60, end = Int64(to) * 60
        log.removeCalls(from: start, to: end)
        let snapshot = state.meta.companies.filter { $0.value.inSnapshot }
        func counts(_ id: String?) -> String? {
            guard let id, snapshot.isEmpty || snapshot[id] != nil, settings.shard?.holds(id) ?? true else { return nil }
            return id
        }
        // Of each company only what its coverage watches, as from files (`appendCalls`).
        var memo: [UInt64: String] = [:]
        var coverages: [String: CallLogCoverage] = [:]
        func coverage(_ id: String, role: Company.Kind) -> CallLogCoverage {
            let name: String
            if let known = log.coverage?[id] ?? (log.coverage == nil ? "*" : nil) {
                name = known
            } else {
                name = watch.scopes.name(ofNew: id, role: role, records: state.meta.companies, memo: &memo)
                log.coverage?[id] = name
            }
            if let known = coverages[name] { return known }
            let made = CallLogCoverage(name: name)
            coverages[name] = made
            return made
        }
        var byCompany: [String: [LoggedCall]] = [:]
        for call in calls where call.record.time >= start && call.record.time < end {
            let found: (Int32, UInt64)? = call.number.withUnsafeBufferPointer { number in
                watch.destination(of: number).map { ($0, numberHash(number)) }
            }
            guard let (destination, hash) = found else { continue }
            let name = DestinationTable.name(of: destination, in: job.destinations)
            let ids = [(counts(call.customer), Company.Kind.customer), (counts(call.provider), .carrier)].compactMap { id, role in
                id.flatMap { coverage($0, role: role).watches(name) ? $0 : nil }
            }
            guard !ids.isEmpty else { continue }
            let index = destination == DestinationIndex.other ? destination : log.nameIndex(name)
            let logged = LoggedCall(call.record, number: hash, destination: index)
            for id in ids { byCompany[id, default: []].append(logged) }
        }
        for (id, list) in byCompany { log.append(list, company: id) }
        state.meta.fraud?.log = log
    }
}

extension CallLog {
    /// Drops the calls that started in [start, end) (Unix seconds).
    mutating func removeCalls(from start: Int64, to end: Int64) {
        for id in Array(calls.keys) {
            guard let list = calls[id], list.contains(where: { $0.time >= start && $0.time < end }) else { continue }
            let kept = list.filter { $0.time < start || $0.time >= end }
            calls[id] = kept.isEmpty ? nil : kept
        }
    }
}


extension Job {
    /// The first minute the call log keeps: the longest window of the alerts that read it.
    func callLogKeepMinute(now: Int64) -> Int32 {
        let logWindow = alerts.filter(\.usesCallLog).compactMap(\.samplePeriod).map(\.seconds).max() ?? 0
        return Int32(clamping: windowEndMinute(now: now) - logWindow / 60)
    }
}
