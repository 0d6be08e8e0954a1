import Foundation
import KlaxonEngine
import KlaxonSystem

/// Step 3 of a run for a job whose CDRs live in ClickHouse (behaviour.md "Pulling from ClickHouse"): asks the
/// server for the buckets of the minutes from the watermark minus `late` up to
/// the window end, and puts them in place of what the state held for those
/// minutes. Either the whole answer is taken or nothing changes.
struct ClickHousePull {
    let job: Job
    let now: Int64
    let settings: ClickHouseSettings
    var transport: any HTTPTransport
    var environment: [String: String] = ProcessInfo.processInfo.environment

    init(job: Job, now: Int64, settings: ClickHouseSettings) {
        self.job = job
        self.now = now
        self.settings = settings
        transport = CurlHTTPTransport(
            timeouts: .init(connect: .seconds(settings.connectTimeout.seconds), total: .seconds(settings.timeout.seconds)),
            maxResponseBytes: settings.maxAnswerBytes, caFile: settings.caFile)
    }

    /// The minutes [from, to) this run asks for.
    func range(watermark: Int32?) -> (from: Int32, to: Int32) {
        let end = Int32(clamping: job.windowEndMinute(now: now))
        let keep = job.oldestKeptMinute(now: now)
        let again = Int32(clamping: settings.late.seconds / 60)
        let from = max(keep, (watermark ?? keep) &- again)
        return (min(from, end), end)
    }

    /// The report's line for the pull: taken with its row counts, or refused with the reason.
    func run(_ state: inout KlaxonState) -> FileReport {
        let (from, to) = range(watermark: state.meta.clickhouseWatermark)
        var report = FileReport(input: "cdrs", name: "clickhouse \(settings.server)", outcome: .taken)
        if let shard = settings.shard, case let gone = state.dropCompanies(outside: shard), !gone.isEmpty {
            report.warnings = [FileReport.droppedForShard(gone, shard)]
        }
        guard from < to else { return report }
        let rows: [PulledBucket]
        var calls: [PulledCall]?
        let watch = CallWatch(job: job)
        func refuse(_ reason: String) -> FileReport {
            report.outcome = .refused
            report.reason = "pull from ClickHouse at \(settings.server) failed: \(reason); nothing changed, the next run pulls these minutes again"
            return report
        }
        switch fetch(from: from, to: to) {
        case .failure(let reason): return refuse(reason)
        case .success(let r): rows = r
        }
        if let watch {
            switch fetchCalls(watch, from: from, to: to) {
            case .failure(let reason): return refuse(reason)
            case .success(let c): calls = c
            }
        }
        apply(rows, from: from, to: to, state: &state, report: &report)
        // A new log on a job that pulled before holds the watched calls from this pull's first minute on.
        state.prepareCallLog(watch: watch) { pulledBefore in pulledBefore ? from : nil }
        if let watch, let calls { replaceCalls(calls, watch: watch, from: from, to: to, state: &state) }
        state.meta.clickhouseWatermark = max(to, state.meta.clickhouseWatermark ?? to)
        return report
    }

    private func fetch(from: Int32, to: Int32) -> RowParse<[PulledBucket]> {
        let sql = ClickHouseQuery(settings: settings).sql(from: Int64(from) * 60, to: Int64(to) * 60)
        switch post(sql) {
        case .failure(let reason): return .failure(reason)
        case .success(let body):
            switch ClickHouseAnswer.parse(body) {
            case .success(let rows): return .success(rows)
            case .failure(let reason): return .failure("malformed answer: \(reason)")
            }
        }
    }

    /// The answer's body to one query, or why there is none.
    func post(_ sql: String) -> RowParse<[UInt8]> {
        var auth: HTTPRequest.BasicAuth?
        if let userEnv = settings.userEnv {
            guard let user = environment[userEnv], !user.isEmpty else { return .failure("the environment variable \(userEnv) (user_env) is not set") }
            var password = ""
            if let passwordEnv = settings.passwordEnv {
                guard let p = environment[passwordEnv], !p.isEmpty else { return .failure("the environment variable \(passwordEnv) (password_env) is not set") }
                password = p
            }
            auth = HTTPRequest.BasicAuth(user: user, password: password)
        }
        let request = HTTPRequest(method: "POST", url: endpoint, headers: [HTTPHeader("Content-Type", "text/plain; charset=utf-8")],
                                  body: Array(sql.utf8), basicAuth: auth)
        let response: HTTPResponse
        do { response = try transport.send(request) } catch { return .failure(error.message) }
        guard response.status == 200 else {
            let first = String(decoding: response.body.prefix(300), as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            let why = response.status == 401 || response.status == 403 || first.contains("Code: 192") || first.contains("Code: 193")
                || first.contains("Code: 516") ? " (wrong user or password?)" : ""
            return .failure("HTTP \(response.status)\(why): \(Redaction.apply(request.secrets, to: first))")
        }
        if response.bodyTruncated { return .failure("the answer is larger than max_answer_mb (\(settings.maxAnswerBytes >> 20) MiB)") }
        return .success(response.body)
    }

    /// The URL with `wait_end_of_query`, so that a query failing after its first rows
    /// answers with an error status instead of a 200 cut short.
    var endpoint: String {
        var url = settings.url
        if URLComponents(string: url)?.path.isEmpty ?? false { url += "/" }
        return url + (url.contains("?") ? "&" : "?") + "wait_end_of_query=1"
    }

    private func apply(_ rows: [PulledBucket], from: Int32, to: Int32, state: inout KlaxonState, report: inout FileReport) {
        let snapshot = state.meta.companies.filter { $0.value.inSnapshot }
        let streakFrom = state.meta.clickhouseWatermark ?? from
        for id in Array(state.buckets.keys) { state.buckets[id]?.removeMinutes(from: from, to: to) }
        state.buckets = state.buckets.filter { !$0.value.isEmpty }
        // Grouped by company, then in minute order: one sort of every row by company string cost more than the parse.
        var byCompany: [String: [PulledBucket]] = [:]
        for row in rows { byCompany[row.company, default: []].append(row) }
        report.rows = rows.count
        var n = 0
        for (company, list) in byCompany.sorted(by: { $0.key < $1.key }) {
            guard snapshot.isEmpty || snapshot[company] != nil else {
                for _ in list {
                    n += 1
                    report.reject(path: "clickhouse \(settings.server)", line: n, "unknown company \(Printable.quoted(company)) (not in the balance snapshot)")
                }
                continue
            }
            let ordered = list.sorted { ($0.bucket.minute, $0.role == .carrier ? 1 : 0) < ($1.bucket.minute, $1.role == .carrier ? 1 : 0) }
            for row in ordered {
                n += 1
                // The query asks for [from, to) only; a row outside is the server's mistake, not a call to count.
                guard row.bucket.minute >= from, row.bucket.minute < to else { continue }
                report.folded += 1
                state.buckets[company, default: CompanyBuckets()].merge(row.bucket)
                if row.bucket.minute >= streakFrom { Self.applyStreak(row, to: &state.meta.failureStreaks[company, default: FailureStreak()]) }
            }
            if state.meta.companies[company]?.markSeen(at: now) == nil, let first = ordered.first {
                state.meta.companies[company] = CompanyRecord(company: Company(id: company, type: first.role), inSnapshot: false, lastSeen: now)
            }
        }
    }

    /// As a bucket file's row is applied (`CDRStaging.add`): a minute's sums keep no order, so a
    /// connected call ends the streak at its minute and `trailing_failures` start the next one.
    /// Minutes pulled again for `late` are not applied twice: the streak takes each minute once.
    static func applyStreak(_ row: PulledBucket, to streak: inout FailureStreak) {
        let start = Int64(row.bucket.minute) * 60
        let failed = Int64(row.bucket.attempts - row.bucket.connected)
        if row.bucket.connected > 0 {
            streak.record(time: start + 58, connected: true)
            if row.trailingFailures > 0 { streak.recordFailures(row.trailingFailures, at: start + 59) }
        } else if failed > 0 {
            streak.recordFailures(failed, at: start)
        }
    }
}

extension CompanyBuckets {
    /// Drops the buckets of minutes in [from, to): a pull replaces them with what the database holds now.
    mutating func removeMinutes(from: Int32, to: Int32) {
        guard let last = lastMinute, last >= from, let first = firstMinute, first < to else { return }
        self = CompanyBuckets(buckets: buckets.filter { $0.minute < from || $0.minute >= to })
    }
}
