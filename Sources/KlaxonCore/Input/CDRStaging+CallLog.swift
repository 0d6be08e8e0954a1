extension CDRStaging {
    /// Stages a folded call for the call log when its destination is watched, once
    /// for each company it was folded for (its customer and its carrier, when known).
    mutating func log(_ row: CDRRow, number: UnsafeBufferPointer<UInt8>, watch: CallWatch) {
        guard row.call.time >= watch.from, let destination = watch.destination(of: number) else { return }
        let customer = companies.known[Int(row.customer)] && watch.keeps(destination, coverage: logCoverage(of: row.customer, watch))
        var provider: Int32?
        if let p = row.provider, companies.known[Int(p)], watch.keeps(destination, coverage: logCoverage(of: p, watch)) { provider = p }
        guard customer || provider != nil else { return }
        let call = LoggedCall(row.call, number: numberHash(number), destination: destination)
        if customer { logged.append((row.customer, call)) }
        if let provider { logged.append((provider, call)) }
    }

    @inline(__always)
    private mutating func logCoverage(of company: Int32, _ watch: CallWatch) -> Int32 {
        let i = Int(company)
        if i < logCoverage.count, logCoverage[i] != -2 { return logCoverage[i] }
        return lookUpCoverage(of: i, watch)
    }

    @inline(never)
    private mutating func lookUpCoverage(of i: Int, _ watch: CallWatch) -> Int32 {
        if i >= logCoverage.count { logCoverage.append(contentsOf: repeatElement(-2, count: companies.count - logCoverage.count)) }
        logCoverage[i] = watch.companies[companies.ids[i]] ?? -1
        return logCoverage[i]
    }
}
