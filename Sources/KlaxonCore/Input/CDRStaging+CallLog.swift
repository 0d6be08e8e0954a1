extension CDRStaging {
    /// Stages a folded call for the call log when its destination is watched, once
    /// for each company it was folded for (its customer and its carrier, when known).
    mutating func log(_ row: CDRRow, number: UnsafeBufferPointer<UInt8>, watch: CallWatch) {
        guard row.call.time >= watch.from, let destination = watch.destination(of: number) else { return }
        let call = LoggedCall(row.call, number: numberHash(number), destination: destination)
        if companies.known[Int(row.customer)] { logged.append((row.customer, call)) }
        if let provider = row.provider, companies.known[Int(provider)] { logged.append((provider, call)) }
    }
}
