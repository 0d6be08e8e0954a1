import KlaxonEngine
extension KlaxonState {
    /// At the end of a run: minutes about to be pruned (before `keepFrom`, which no
    /// later call can reach: older calls are dropped as too old) are added to the
    /// hourly totals the job's baselines read, then the call log is pruned. A minute
    /// is thus counted either in the buckets (or log) or in an hourly total, never both.
    mutating func rollUpAndPrune(before keepFrom: Int32, job: Job, now: Int64) {
        // The log is kept for the longest window of the alerts that read it, not of every
        // alert: a 24h spend alert must not keep a day of calls for a 1h fraud rule.
        let logKeep = max(keepFrom, job.callLogKeepMinute(now: now))
        let baselines = job.alerts.filter { $0.fraud.baseline != nil }
        if baselines.isEmpty {
            meta.fraud?.hourly = [:]
            meta.fraud?.hourlySince = nil
        } else {
            if meta.fraud == nil { meta.fraud = FraudState() }
            if meta.fraud?.hourlySince == nil { meta.fraud?.hourlySince = meta.coveredSince }
            // A baseline alert added or widened rolls up companies whose earlier hours were never
            // kept: reading them as zero would make every ratio look high. The history starts again
            // where the buckets, which hold every company, still reach.
            let scope = Self.baselineScope(baselines)
            if let kept = meta.fraud?.hourlyScope, kept != scope { meta.fraud?.hourlySince = meta.coveredSince }
            meta.fraud?.hourlyScope = scope
            // Taken out and put back: adding through `meta.fraud?` could copy the whole map per hour.
            var hourly = meta.fraud?.hourly ?? [:]
            meta.fraud?.hourly = [:]
            let byCompany = baselines.filter { $0.fraud.by == .company }
            if !byCompany.isEmpty { rollUpBuckets(before: keepFrom, alerts: byCompany, into: &hourly) }
            let byDestination = baselines.filter { $0.fraud.by == .destination }
            if !byDestination.isEmpty { rollUpLog(before: logKeep, alerts: byDestination, table: job.destinations, into: &hourly) }
            let reach = baselines.map { ($0.fraud.baseline?.reach ?? 0) + ($0.samplePeriod?.seconds ?? 0) + 3_600 }.max() ?? 0
            // From the window end floored to the hour, where the sample windows end (not `now`:
            // with a `lag`, a report or dry run at the same `now` still needs the oldest sample hour).
            let sampleEnd = floorDiv(job.windowEndMinute(now: now), 60) * 60
            let cut = Int32(clamping: sampleEnd - reach / 60)
            for (key, hours) in hourly where hours.keys.contains(where: { $0 < cut }) {
                let kept = hours.filter { $0.key >= cut }
                hourly[key] = kept.isEmpty ? nil : kept
            }
            meta.fraud?.hourly = hourly
        }
        let rollsUpLog = baselines.contains { $0.fraud.by == .destination }
        meta.fraud?.log?.prune(before: logKeep, startsFrom: rollsUpLog ? nil : job.callLogKeepMinute(now: now))
        if meta.fraud?.isEmpty == true { meta.fraud = nil }
    }

    /// The by-company baseline alerts' scopes, written out: what decides which companies
    /// get hourly totals.
    static func baselineScope(_ baselines: [AlertDefinition]) -> String {
        baselines.filter { $0.fraud.by == .company }.map { String(describing: $0.scope) }.sorted().joined(separator: "\n")
    }

    private func rollUpBuckets(before keepFrom: Int32, alerts: [AlertDefinition], into hourly: inout [String: [Int32: MinuteBucket]]) {
        for (id, companyBuckets) in buckets {
            guard let first = companyBuckets.firstMinute, first < keepFrom,
                  let company = meta.companies[id]?.currentView, alerts.contains(where: { $0.scope.includes(company) })
            else { continue }
            var hour = Int32(floorDiv(Int64(first), 60) * 60)
            while hour < keepFrom {
                let total = companyBuckets.total(from: max(hour, first), to: min(hour + 60, keepFrom))
                if total.attempts != 0 { hourly[id, default: [:]][hour, default: MinuteBucket(minute: hour)].add(total) }
                hour += 60
            }
        }
    }

    private func rollUpLog(before keepFrom: Int32, alerts: [AlertDefinition], table: DestinationTable?,
                           into hourly: inout [String: [Int32: MinuteBucket]]) {
        guard let log = meta.fraud?.log else { return }
        // Per destination only for the destinations a baseline alert names (all, when one names none).
        var names: Set<String>? = []
        for alert in alerts {
            guard let watched = alert.fraud.watched else { names = nil; break }
            for index in watched {
                names?.insert(DestinationTable.name(of: index, in: table))
            }
        }
        let cut = Int64(keepFrom) * 60
        for (id, calls) in log.calls {
            var sums: [String: [Int32: MinuteBucket]] = [:]
            for call in calls {
                guard call.time < cut else { break }
                let name = log.name(of: call.destination)
                guard names?.contains(name) ?? true else { continue }
                let hour = Int32(clamping: floorDiv(call.time, 3_600) * 60)
                sums[name, default: [:]][hour, default: MinuteBucket(minute: hour)].add(call.record)
            }
            for (name, hours) in sums {
                for (hour, total) in hours { hourly[id + "\u{1F}" + name, default: [:]][hour, default: MinuteBucket(minute: hour)].add(total) }
            }
        }
    }
}
