/// Which of one company's calls the call log keeps: only those a call-log alert
/// whose scope includes the company can look at. Every call when a by-company
/// area or a destination alert without a filter covers it; the named
/// destinations' calls when only filtered destination alerts do; none when no
/// call-log alert covers it (a carrier under customer alerts, a customer
/// without the tag an alert's scope asks for).
struct CallLogCoverage: Sendable, Equatable {
    /// Every destination.
    var all: Bool
    /// Destination names (`DestinationTable.other` for unmatched numbers); unused when `all`.
    var names: Set<String>

    var isEmpty: Bool { !all && names.isEmpty }

    /// How the log stores it: "*", or the names sorted, one a line.
    var name: String { all ? "*" : names.sorted().joined(separator: "\n") }

    init(all: Bool, names: Set<String>) {
        self.all = all
        self.names = all ? [] : names
    }

    init(name: String) {
        self.init(all: name == "*", names: name.isEmpty ? [] : Set(name.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
    }

    /// Whether it watches calls `before` did not: the company's earlier calls of those are not in the log.
    func widens(_ before: CallLogCoverage) -> Bool {
        if before.all { return false }
        return all || !names.isSubset(of: before.names)
    }

    func watches(_ name: String) -> Bool { all || names.contains(name) }
}

/// The job's call-log alerts, from which each company's coverage is worked out.
struct CallLogScopes: Sendable {
    private let alerts: [(scope: AlertScope, names: Set<String>?)]

    init(job: Job) {
        let table = job.destinations
        alerts = job.alerts.filter(\.usesCallLog).map { alert in
            guard alert.fraud.by == .destination, let watched = alert.fraud.watched else { return (alert.scope, nil) }
            let names = watched.map { index in
                DestinationTable.name(of: index, in: table)
            }
            return (alert.scope, Set(names))
        }
    }

    func coverage(of company: Company) -> CallLogCoverage {
        var names: Set<String> = []
        for alert in alerts where alert.scope.includes(company) {
            guard let watched = alert.names else { return CallLogCoverage(all: true, names: []) }
            names.formUnion(watched)
        }
        return CallLogCoverage(all: false, names: names)
    }

    /// The coverage's name for a company first seen in this run: from its record after the
    /// snapshot, or else the role its calls came in (files and pulls alike).
    func name(ofNew id: String, role: Company.Kind, records: [String: CompanyRecord], memo: inout [UInt64: String]) -> String {
        name(of: records[id]?.company ?? Company(id: id, type: role), memo: &memo)
    }

    /// The coverage's stored name for `company` ("" for none), memoised by which alerts include it:
    /// thousands of companies share a handful of coverages.
    func name(of company: Company, memo: inout [UInt64: String]) -> String {
        guard alerts.count <= 64 else { return coverage(of: company).name }
        var mask: UInt64 = 0
        for (i, alert) in alerts.enumerated() where alert.scope.includes(company) { mask |= 1 << UInt64(i) }
        if let known = memo[mask] { return known }
        let name = coverage(of: company).name
        memo[mask] = name
        return name
    }
}

extension CallWatch {
    /// Numbers each distinct coverage of `coverage` and works out which destinations each keeps.
    mutating func keep(_ coverage: [String: String], table: DestinationTable?) {
        let names = table?.names ?? []
        var numbers: [String: Int32] = [:]
        var last: (name: String, number: Int32)?
        companies.reserveCapacity(coverage.count)
        for (id, name) in coverage {
            if let last, last.name == name {
                companies[id] = last.number
                continue
            }
            let number: Int32
            if let known = numbers[name] {
                number = known
            } else {
                number = Int32(keeping.count)
                numbers[name] = number
                let kept = CallLogCoverage(name: name)
                keeping.append([kept.watches(DestinationTable.other)] + names.map { kept.watches($0) })
            }
            last = (name, number)
            companies[id] = number
        }
    }
}
