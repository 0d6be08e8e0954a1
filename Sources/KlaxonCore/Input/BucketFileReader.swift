import Foundation

/// Reads a pre-aggregated bucket export into the same staging area as raw CDRs,
/// so a bucket row is folded exactly as the calls it sums would have been.
///
/// `consecutive_failures` needs the order of calls, which a minute's sums do not
/// keep. A minute without a connected call adds all its attempts to the streak;
/// a minute with one ends the streak there and starts a new one with its
/// `trailing_failures` (failed attempts after its last connected call) when the
/// export has that column, else with none. With the column the streak is the
/// same as from the raw CDRs; without it, it can be short by at most the
/// failures that followed the last connect within that one minute.
struct BucketFileReader {
    let settings: CDRFileReader

    func read(_ file: DropFile, report: inout FileReport) -> CDRFileReader.Staging? {
        let input = settings.input
        let format = BucketRowFormat()
        let reader = LayoutReader<BucketField>(columns: input.columns, headerNames: BucketRowFormat.headerNames, positions: BucketRowFormat.positions,
                                               required: BucketRowFormat.required, kind: "a bucket export (format buckets)")
        var clock = LocalTimeConverter(timeZone: input.timezone ?? .gmt)
        var staging = CDRFileReader.Staging()
        let read = reader.read(file, report: &report) { record, layout, report in
            switch format.parse(record, layout: layout, clock: &clock) {
            case .failure(let reason):
                report.reject(path: file.path, line: record.line, reason)
            case .success(let row):
                fold(row, line: record.line, into: &staging, report: &report, path: file.path)
            }
        }
        return read ? staging : nil
    }

    private func fold(_ row: BucketRow, line: Int, into staging: inout CDRFileReader.Staging, report: inout FileReport, path: String) {
        if let known = settings.knownCompanies, !known.contains(row.company) {
            report.reject(path: path, line: line, "unknown company \"\(row.company)\" (not in the balance snapshot)")
            return
        }
        let start = Int64(row.bucket.minute) * 60
        if start > settings.latestTime {
            report.inFuture += 1
            return
        }
        if row.bucket.minute < settings.oldestMinute {
            report.tooOld += 1
            return
        }
        report.folded += 1
        staging.latestCall = max(staging.latestCall, start)
        staging.buckets[row.company, default: [:]][row.bucket.minute, default: MinuteBucket(minute: row.bucket.minute)].add(row.bucket)
        if staging.roles[row.company] == nil { staging.roles[row.company] = row.role }

        let failed = Int64(row.bucket.attempts - row.bucket.connected)
        if row.bucket.connected > 0 {
            staging.streakEvents[row.company, default: []].append((start + 58, true))
            if let trailing = row.trailingFailures, trailing > 0 {
                staging.failureRuns[row.company, default: []].append((start + 59, trailing))
            }
        } else if failed > 0 {
            staging.failureRuns[row.company, default: []].append((start, failed))
        }
    }
}
