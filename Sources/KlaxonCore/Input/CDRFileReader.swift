import Foundation

/// Reads one CDR file into a staging area; the caller merges it into the
/// state only when the whole file was read, so no file is ever half-counted.
struct CDRFileReader {
    let input: InputSettings
    /// Companies in the balance snapshot; nil when there is none to check against.
    let knownCompanies: Set<String>?
    /// Calls before this minute are outside every window.
    let oldestMinute: Int32
    /// Calls after this instant are "in the future" (SPEC §13: more than 5 minutes ahead).
    let latestTime: Int64

    struct Staging {
        var buckets: [String: [Int32: MinuteBucket]] = [:]
        /// Per company, the calls as (time, connected) for the failure streaks, applied in order at merge.
        var streakEvents: [String: [(Int64, Bool)]] = [:]
        /// Company ids seen, with their role, for companies not in any snapshot.
        var roles: [String: Company.Kind] = [:]
        var latestCall: Int64 = .min
        /// Per company, runs of failed attempts as (time, count), from bucket rows.
        var failureRuns: [String: [(Int64, Int64)]] = [:]
    }

    func read(_ file: DropFile, report: inout FileReport) throws(KlaxonError) -> Staging? {
        if input.format == .buckets { return BucketFileReader(settings: self).read(file, report: &report) }
        let reader: CSVReader
        do { reader = try CSVReader(path: file.path) } catch {
            report.outcome = .rejected
            report.reason = "\(error)"
            return nil
        }
        var staging = Staging()
        var layout: ColumnLayout<CDRField>?
        var firstRecord = true
        var fatal: String?
        let format = CDRFormat(input.format)
        var clock = LocalTimeConverter(timeZone: input.timezone ?? .gmt)
        do {
            try reader.read(record: { record in
                if fatal != nil { return }
                if firstRecord {
                    firstRecord = false
                    let cells = record.strings
                    if format.looksLikeHeader(cells, overrides: input.columns) {
                        let l = ColumnLayout<CDRField>.fromHeader(cells, overrides: input.columns, defaultNames: format.headerNames)
                        let missing = l.missing(format.requiredFields)
                        if !missing.isEmpty {
                            fatal = "no \(missing.map { "`\($0.rawValue)`" }.joined(separator: ", ")) column in the header (columns: \(cells.joined(separator: ", ")))"
                        }
                        layout = l
                        return
                    }
                    layout = ColumnLayout<CDRField>.positional(format.positions, overrides: input.columns)
                }
                guard let layout else { return }
                report.rows += 1
                switch format.parse(record, layout: layout, clock: &clock) {
                case .failure(let reason):
                    report.reject(path: file.path, line: record.line, reason)
                case .success(let row):
                    fold(row, line: record.line, into: &staging, report: &report, path: file.path)
                }
            }, malformed: { bad in
                report.rows += 1
                report.reject(path: file.path, line: bad.line, bad.reason)
            })
        } catch {
            report.outcome = .rejected
            report.reason = "read error: \(error)"
            return nil
        }
        if let fatal {
            report.outcome = .rejected
            report.reason = fatal
            return nil
        }
        // Nothing at all could be read: binary, or not this kind of export. Marked
        // rejected rather than taken, so a corrected file under the same name is read.
        if report.rows > 0, report.rejectedRows == report.rows {
            report.outcome = .rejected
            report.reason = "no row could be read (first: \(report.rejections.first ?? "")); is this a \(input.format.rawValue) CDR export?"
            return nil
        }
        return staging
    }

    private func fold(_ row: CDRRow, line: Int, into staging: inout Staging, report: inout FileReport, path: String) {
        let customerKnown = knownCompanies?.contains(row.customer) ?? true
        let providerKnown = row.provider.map { knownCompanies?.contains($0) ?? true } ?? false
        if !customerKnown && !providerKnown {
            report.reject(path: path, line: line, "unknown company \"\(row.customer)\" (not in the balance snapshot)")
            return
        }
        if row.call.time > latestTime {
            report.inFuture += 1
            return
        }
        let minute = Int32(clamping: floorDiv(row.call.time, 60))
        if minute < oldestMinute {
            report.tooOld += 1
            return
        }
        report.folded += 1
        staging.latestCall = max(staging.latestCall, row.call.time)
        if customerKnown { add(row.call, minute: minute, company: row.customer, role: .customer, to: &staging) }
        if let provider = row.provider, providerKnown { add(row.call, minute: minute, company: provider, role: .carrier, to: &staging) }
    }

    private func add(_ call: CallRecord, minute: Int32, company: String, role: Company.Kind, to staging: inout Staging) {
        staging.buckets[company, default: [:]][minute, default: MinuteBucket(minute: minute)].add(call)
        staging.streakEvents[company, default: []].append((call.time, call.isConnected))
        if staging.roles[company] == nil { staging.roles[company] = role }
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
