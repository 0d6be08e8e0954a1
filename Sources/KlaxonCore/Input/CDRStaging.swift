import KlaxonEngine
/// What one byte range of a CDR file adds, kept apart from the state until the
/// whole file has been read (a file is never half-counted). Indexed by the
/// range's own `CompanyTable`, so folding a row touches no dictionary.
///
/// `buckets` and `failures` are classes that own their memory: a copy of a
/// `CDRStaging` shares them (as the reader's `var staging = result.staging`
/// does to hand the range's staging back), it never aliases raw memory.
struct CDRStaging: Sendable {
    var companies: CompanyTable
    /// Company index → its minute buckets from this range.
    let buckets = BucketRuns()
    /// Company index → its calls reduced for the failure streak.
    let failures = FailureStaging()
    /// Company index → the role it was first seen in; nil for companies with no folded call.
    var roles: [Company.Kind?] = []
    /// Company index → runs of failed attempts as (time, count), from bucket rows,
    /// which sum a minute's failures instead of listing them.
    var failureRuns: [[(time: Int64, count: Int64)]] = []
    /// Watched calls for the call log, by company index; destinations are table indices.
    var logged: [(company: Int32, call: LoggedCall)] = []
    /// Company index → its coverage's number in `CallWatch.keeping`; -2 not looked up yet.
    var logCoverage: [Int32] = []

    /// `companies`: the snapshot's table (`CDRFileReader.companies`), which this range extends.
    init(companies: CompanyTable) {
        self.companies = companies
    }

    @inline(__always)
    mutating func add(_ call: CallRecord, minute: Int32, company: Int32, role: Company.Kind) {
        let i = Int(company)
        if i >= roles.count { grow(to: companies.count) }
        buckets.add(call, minute: minute, company: i)
        failures.record(company: i, time: call.time, connected: call.isConnected)
        if roles[i] == nil { roles[i] = role }
    }

    /// Folds one pre-aggregated minute (format `buckets`); see `BucketFileReader` for the streak.
    mutating func add(_ bucket: MinuteBucket, company: Int32, role: Company.Kind, trailingFailures: Int64?) {
        let i = Int(company)
        if i >= roles.count { grow(to: companies.count) }
        buckets.add(bucket, company: i)
        if roles[i] == nil { roles[i] = role }
        let start = Int64(bucket.minute) * 60
        let failed = Int64(bucket.attempts - bucket.connected)
        if bucket.connected > 0 {
            failures.record(company: i, time: start + 58, connected: true)
            if let trailing = trailingFailures, trailing > 0 { failureRuns[i].append((start + 59, trailing)) }
        } else if failed > 0 {
            failureRuns[i].append((start, failed))
        }
    }

    @inline(never)
    private mutating func grow(to count: Int) {
        let more = count - roles.count
        buckets.reserve(companies: count)
        failures.reserve(companies: count)
        roles.append(contentsOf: repeatElement(nil, count: more))
        failureRuns.append(contentsOf: repeatElement([], count: more))
    }
}

/// The counts of one byte range for the file's report; rejections keep their
/// line numbers relative to the range until the ranges are put together.
struct FileTally: Sendable {
    var rows = 0
    var folded = 0
    var tooOld = 0
    var inFuture = 0
    var rejected = 0
    /// The first rejections, as (line, reason).
    var rejections: [(line: Int, reason: String)] = []

    mutating func reject(line: Int, _ reason: String) {
        rejected += 1
        if rejections.count < FileReport.maxListedRejections { rejections.append((line, reason)) }
    }

    /// Adds the counts to `report`, lines shifted by `lineOffset` (the lines before the range).
    func add(to report: inout FileReport, path: String, lineOffset: Int) {
        report.rows += rows
        report.folded += folded
        report.tooOld += tooOld
        report.inFuture += inFuture
        for (line, reason) in rejections { report.reject(path: path, line: line + lineOffset, reason) }
        // Rejections past the listed ones are counted only.
        report.rejectedRows += rejected - rejections.count
    }
}
