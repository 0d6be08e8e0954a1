/// Which bucket alerts apply to a company and which window sums they read.
/// Companies in the same scopes share one plan: a job has a handful of scope
/// combinations, not one per company, so 300,000 companies need no list of
/// their own (two small arrays each used to be a tenth of a first run's evaluation).
struct ScopePlan {
    /// The indices of the alerts that apply, in the job's order.
    var applying: [Int] = []
    /// The distinct window starts they read (each window ends at the window end).
    var starts: [Int32] = []
    /// For each of `applying`, its window's index in `starts`, or nil for an
    /// alert without a window or with one that ends earlier (`yesterday`).
    var slots: [Int?] = []
}

/// Every company's plan, as an index into `plans`.
struct ScopePlans {
    private(set) var plans: [ScopePlan] = []
    private(set) var planOf: [Int32] = []

    /// The most window sums one company reads: the stride of `WindowTotals`.
    var width: Int { plans.map(\.starts.count).max() ?? 0 }

    /// `evaluated[i]`: whether alert i is evaluated from the buckets this run;
    /// `windowStarts[i]`: its window's start when the window ends at the window end.
    init(companies: [Company], alerts: [AlertDefinition], evaluated: [Bool], windowStarts: [Int32?]) {
        let candidates = alerts.indices.filter { evaluated[$0] }
        // The scopes alone: reading `alerts[index].scope` copied the whole alert, a dozen retains, per check.
        let scopes = alerts.map(\.scope)
        var known: [[UInt64]: Int32] = [:]
        var knownWord: [UInt64: Int32] = [:]
        var mask = [UInt64](repeating: 0, count: (alerts.count + 63) / 64)
        planOf.reserveCapacity(companies.count)
        for company in companies {
            for w in mask.indices { mask[w] = 0 }
            for index in candidates where scopes[index].includes(company) {
                mask[index / 64] |= 1 << UInt64(index % 64)
            }
            // Up to 64 alerts the mask is one word, hashed as an integer; an array's hash cost more per company.
            if mask.count == 1, let plan = knownWord[mask[0]] {
                planOf.append(plan)
                continue
            }
            if mask.count != 1, let plan = known[mask] {
                planOf.append(plan)
                continue
            }
            let plan = Int32(plans.count)
            if mask.count == 1 { knownWord[mask[0]] = plan } else { known[mask] = plan }
            plans.append(Self.plan(mask: mask, candidates: candidates, windowStarts: windowStarts))
            planOf.append(plan)
        }
    }

    private static func plan(mask: [UInt64], candidates: [Int], windowStarts: [Int32?]) -> ScopePlan {
        var plan = ScopePlan()
        for index in candidates where mask[index / 64] & (1 << UInt64(index % 64)) != 0 {
            plan.applying.append(index)
            guard let start = windowStarts[index] else {
                plan.slots.append(nil)
                continue
            }
            if let slot = plan.starts.firstIndex(of: start) {
                plan.slots.append(slot)
            } else {
                plan.slots.append(plan.starts.count)
                plan.starts.append(start)
            }
        }
        return plan
    }
}
