/// Which calls the reader puts in the call log, worked out once from the job:
/// none when no alert needs the log, every call when some alert needs them all
/// (a per-call area by company, or a destination alert without a filter),
/// else only those to the destinations the alerts name.
struct CallWatch: Sendable {
    let table: DestinationTable?
    let all: Bool
    /// Table index → watched; `other` apart.
    let watched: [Bool]
    let other: Bool
    /// Names what is watched: a log filled under another key is started afresh.
    let key: String
    /// Calls started before this (Unix seconds) are not logged: the run prunes them from the
    /// log unread, unless a baseline by destination rolls them up into its hourly totals.
    let from: Int64
    /// Which companies' calls are kept, and to which destinations (narrower than the above).
    let scopes: CallLogScopes
    /// Set by `prepareCallLog` before the files are read: company id → its coverage's number in
    /// `keeping`, so that a company's unwatched calls are not even staged. A company missing here
    /// (new in this run) has all the calls above staged; `appendCalls` then keeps what it must.
    var companies: [String: Int32] = [:]
    /// Coverage number → table index + 1 (0: other) → kept.
    var keeping: [[Bool]] = []

    /// `now`: the run's, for the log to skip the calls it would prune at the end of the run;
    /// nil logs every call read (a pull brings only the minutes the log keeps).
    init?(job: Job, now: Int64? = nil) {
        let alerts = job.alerts.filter(\.usesCallLog)
        guard !alerts.isEmpty else { return nil }
        table = job.destinations
        scopes = CallLogScopes(job: job)
        all = alerts.contains { $0.fraud.by == .company || $0.fraud.watched == nil }
        let names = table?.names ?? []
        var watched = [Bool](repeating: all, count: names.count)
        var other = all
        for alert in alerts {
            for index in alert.fraud.watched ?? [] {
                if index == DestinationIndex.other { other = true } else if Int(index) < watched.count { watched[Int(index)] = true }
            }
        }
        self.watched = watched
        self.other = other
        let rollsUpLog = alerts.contains { $0.fraud.by == .destination && $0.fraud.baseline != nil }
        from = now.map { rollsUpLog ? .min : Int64(job.callLogKeepMinute(now: $0)) * 60 } ?? .min
        key = all ? "*" : (names.indices.filter { watched[$0] }.map { names[$0] } + (other ? [DestinationTable.other] : [])).sorted().joined(separator: "\n")
    }

    /// Whether a company of coverage `number` (-1: not known, keeps everything watched) keeps
    /// calls to `destination`.
    @inline(__always)
    func keeps(_ destination: Int32, coverage number: Int32) -> Bool {
        number < 0 || keeping[Int(number)][Int(destination) + 1]
    }

    /// The destination of a called number when it is watched; nil when the call is not kept.
    @inline(__always)
    func destination(of number: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let index = table?.match(number) else { return other ? DestinationIndex.other : nil }
        return watched[Int(index)] ? index : nil
    }
}
