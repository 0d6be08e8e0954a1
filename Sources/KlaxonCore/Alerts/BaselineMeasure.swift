import KlaxonEngine
/// The baseline of one instance and its ratio (behaviour.md "Destinations, fraud rules and baselines"). Sample windows end
/// on the hour (the window's end floored to it), shifted back by a week
/// (`same_hour`) or an hour (`hour`) at a time; each sums the hourly totals
/// and whatever is still in the buckets or call log, which never overlap.
struct BaselineMeasure {
    let alert: AlertDefinition
    let baseline: Baseline
    let company: Company
    let destination: String?
    let state: KlaxonState

    struct Result {
        var value: MetricValue
        var raw: Double?
        var baseline: Double?
    }

    func compare(_ value: MetricValue, windowEnd minute: Int64) -> Result {
        guard case .value(let raw) = value, let period = alert.samplePeriod else { return Result(value: value) }
        let end = Int32(clamping: floorDiv(minute, 60) * 60)
        let length = Int32(period.seconds / 60)
        let earliest = end - Int32(baseline.reach / 60) - length
        var since = state.meta.fraud?.hourlySince ?? .max
        if let destination, let logSince = state.meta.fraud?.log?.since(of: company.id, watching: destination) { since = max(since, logSince) }
        guard since <= earliest else {
            let have = max(0, Int(end) - Int(since)) / 60
            return Result(value: .insufficientData(have: have, need: Int(end - earliest) / 60, of: .baselineHours))
        }
        var samples: [Double] = []
        for shift in baseline.shifts {
            let to = end - Int32(shift / 60)
            let sample = MetricCalculator.value(of: alert.area, window: sum(from: to - length, to: to), company: company,
                                                failures: nil, minCalls: alert.minCalls)
            guard case .value(let v) = sample else { return Result(value: sample) }
            samples.append(v)
        }
        let base = baseline.statistic(samples)
        guard base > 0, base >= (alert.fraud.minBaseline ?? 0) else {
            return Result(value: .insufficientData(have: 0, need: 1, of: .baselineAboveMinimum), raw: raw, baseline: base)
        }
        return Result(value: .value(raw / base), raw: raw, baseline: base)
    }

    private func sum(from: Int32, to: Int32) -> MinuteBucket {
        var total = MinuteBucket(minute: from)
        let key: String
        if let destination {
            key = company.id + "\u{1F}" + destination
            if let log = state.meta.fraud?.log, let calls = log.calls[company.id] {
                for call in CallLogMeasure.window(calls, from: from, to: to) where log.name(of: call.destination) == destination {
                    total.add(call.record)
                }
            }
        } else {
            key = company.id
            if let buckets = state.buckets[company.id] { total.add(buckets.total(from: from, to: to)) }
        }
        if let hours = state.meta.fraud?.hourly[key] {
            for hour in stride(from: from, to: to, by: 60) { if let h = hours[hour] { total.add(h) } }
        }
        return total
    }
}
