import KlaxonEngine
/// The alerts measured from the call log (behaviour.md "Destinations, fraud rules and baselines"): per destination (one
/// instance per company and destination with calls in the window, keyed
/// `title␟company␟destination`), and the per-call areas by company.
struct CallLogEvaluator {
    let job: Job
    let now: Int64
    /// The companies as the evaluator sees them, sorted by id.
    let companies: [Company]
    /// Silences, escalations and penalties, as for every other alert.
    let consequences: DecisionConsequences

    func evaluate(_ state: inout KlaxonState, notices: inout [String: InstanceNotice], into result: inout Evaluator.Result) {
        let minute = job.windowEndMinute(now: now)
        for (index, alert) in job.alerts.enumerated() where alert.isEvaluatedApart && alert.isActive(windowEndMinute: minute) {
            guard let period = alert.window else { continue }
            // A `yesterday` window ends before the window end: its calls and buckets end there too.
            let (from, to) = period.bounds(windowEnd: minute, zone: job.shownTime.zone)
            let (start, end) = (Int32(clamping: from), Int32(clamping: to))
            let stateUncovered = state.uncoveredValue(of: alert, windowEnd: minute, zone: job.shownTime.zone)
            let logSince = state.meta.fraud?.log?.since
            let uncoveredLog = stateUncovered ?? Self.logUncovered(since: logSince, period: period, from: from, to: to)
            let held = alert.fraud.by == .destination ? heldDestinations(of: alert.title, in: state) : [:]
            let companyStarts = state.meta.fraud?.log?.companySince ?? [:]
            for company in companies where alert.scope.includes(company) {
                // A company that entered a scope after the log began holds the calls it was not
                // watched for before from then on; an alert that reads no calls (a baseline of a
                // summed area) reads the buckets, whose coverage is the state's.
                func uncovered(watching destination: String?) -> MetricValue? {
                    guard alert.usesCallLog else { return stateUncovered }
                    guard companyStarts[company.id] != nil else { return uncoveredLog }
                    return stateUncovered ?? Self.logUncovered(since: state.meta.fraud?.log?.since(of: company.id, watching: destination),
                                                               period: period, from: from, to: to)
                }
                let calls = state.meta.fraud?.log?.calls[company.id].map { CallLogMeasure.window($0, from: start, to: end) } ?? []
                if alert.fraud.by == .company {
                    // Only the per-call areas need the log; a baseline of a summed area reads the buckets.
                    let window = alert.area.isPerCall ? CallLogMeasure.bucket(calls, minute: start)
                        : state.buckets[company.id]?.total(from: start, to: end) ?? MinuteBucket(minute: start)
                    let value = uncovered(watching: nil) ?? (alert.area.isPerCall
                        ? CallLogMeasure.value(of: alert.area, calls: calls, windowStart: start, company: company, minCalls: alert.minCalls)
                        : MetricCalculator.value(of: alert.area, window: window, company: company, failures: nil, minCalls: alert.minCalls))
                    step(alert, index: index, company: company, destination: nil, value: value, window: window, windowEnd: minute,
                         notices: &notices, state: &state, result: &result)
                    continue
                }
                var byName: [String: [LoggedCall]] = [:]
                for call in calls {
                    let name = state.meta.fraud?.log?.name(of: call.destination) ?? DestinationTable.other
                    if alert.fraud.watches(tableIndex(name)) { byName[name, default: []].append(call) }
                }
                for name in held[company.id] ?? [] where byName[name] == nil { byName[name] = [] }
                for name in byName.keys.sorted() {
                    let own = byName[name] ?? []
                    let value = uncovered(watching: name) ?? CallLogMeasure.value(of: alert.area, calls: own[...], windowStart: start, company: company, minCalls: alert.minCalls)
                    step(alert, index: index, company: company, destination: name, value: value,
                         window: CallLogMeasure.bucket(own[...], minute: start), windowEnd: minute, notices: &notices, state: &state, result: &result)
                    // An instance at rest whose destination had no call says nothing: it is not kept.
                    let key = Self.key(alert: alert.title, company: company.id, destination: name)
                    if own.isEmpty, state.meta.instances[key]?.status == .ok {
                        state.meta.instances[key] = nil
                    }
                }
            }
        }
        state.forgetStaleLevels()
    }

    static func key(alert: String, company: String, destination: String) -> String {
        AlertInstance.key(alert: alert, company: company) + "\u{1F}" + destination
    }

    private func tableIndex(_ name: String) -> Int32 {
        job.destinations?.index(of: name) ?? DestinationIndex.other
    }

    /// Company id → destinations of this alert's instances from earlier runs, so a
    /// triggered destination whose calls stopped is still evaluated (and can reset).
    private func heldDestinations(of title: String, in state: KlaxonState) -> [String: [String]] {
        var held: [String: [String]] = [:]
        let prefix = title + "\u{1F}"
        for (key, instance) in state.meta.instances where instance.alert == title && key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let cut = rest.firstIndex(of: "\u{1F}") else { continue }
            held[instance.company, default: []].append(String(rest[rest.index(after: cut)...]))
        }
        return held
    }

    /// A log started after the window began (a new watch on a state with history) holds part of it.
    static func logUncovered(since: Int32?, period: WindowPeriod, from: Int64, to: Int64) -> MetricValue? {
        guard let since else { return nil }
        let length = (to - from) * 60
        let covered = min(length, max(0, (to - Int64(since)) * 60))
        guard covered < length else { return nil }
        return .uncoveredWindow(WindowCoverage(period: period, coveredSeconds: covered, coveredFrom: Int64(since) * 60, lengthSeconds: length))
    }

    @discardableResult
    private func step(_ alert: AlertDefinition, index: Int, company: Company, destination: String?, value measured: MetricValue,
                      window: MinuteBucket, windowEnd: Int64, notices: inout [String: InstanceNotice], state: inout KlaxonState,
                      result: inout Evaluator.Result) -> Decision {
        let key = destination.map { Self.key(alert: alert.title, company: company.id, destination: $0) }
            ?? AlertInstance.key(alert: alert.title, company: company.id)
        var value = measured
        var compared: BaselineMeasure.Result?
        if let baseline = alert.fraud.baseline {
            compared = BaselineMeasure(alert: alert, baseline: baseline, company: company, destination: destination, state: state)
                .compare(measured, windowEnd: windowEnd)
            value = compared?.value ?? measured
        }
        let observation = StateMachine.observe(value, alert: alert)
        let (decision, instance, level) = state.stepInstance(key: key, alert: alert, company: company.id, observation: observation,
                                                             now: now, interval: job.interval)
        result.summaries[index].count(decision)
        if instance.status == .triggered { result.summaries[index].triggered += 1 }
        let measured = decision != .insufficientData && decision != .missing
        result.decisions.append(InstanceDecision(alert: alert.title, company: company.id, decision: decision,
                                                 value: measured ? instance.lastValue : nil, destination: destination,
                                                 level: decision == .reset ? nil : level))
        consequences.apply(decision, key: key, alert: alert, company: company, instance: instance,
                           notices: &notices, state: &state, result: &result) {
            var event = AlertEvent(alert: alert, company: company, kind: .fired, value: instance.lastValue, message: nil,
                                   window: window, penaltyUntil: nil, now: now, destination: destination, level: level)
            if let compared, let raw = compared.raw {
                event.value = raw
                event.baseline = compared.baseline
                event.ratio = instance.lastValue
            }
            return event
        }
        return decision
    }
}
