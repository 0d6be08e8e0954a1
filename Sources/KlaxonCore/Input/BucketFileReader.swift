import Foundation
import KlaxonEngine

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
                                               positionalWidths: BucketRowFormat.positions.count...BucketRowFormat.positions.count,
                                               required: BucketRowFormat.required, kind: "a bucket export (format buckets)")
        var clock = LocalTimeConverter(timeZone: input.timezone ?? .gmt)
        var staging = CDRStaging(companies: settings.companies)
        let read = reader.read(file, report: &report) { record, layout, report in
            switch format.parse(record, layout: layout, clock: &clock) {
            case .failure(let reason):
                report.reject(path: file.path, line: record.line, reason)
            case .success(let row):
                fold(row, line: record.line, into: &staging, report: &report, path: file.path)
            }
        }
        // Bucket exports are small (companies × minutes), so a second pass for the digest costs little.
        guard read else { return nil }
        let digest: String
        do { digest = try DropFolder.digest(of: file.path, identity: file.identity) } catch {
            report.outcome = .refused
            report.reason = "\(error.message); not read, tried again next run"
            return nil
        }
        return CDRFileReader.Staging(parts: [staging], digest: digest)
    }

    private func fold(_ row: BucketRow, line: Int, into staging: inout CDRStaging, report: inout FileReport, path: String) {
        guard let company = staging.companies.index(ofID: row.company), staging.companies.known[Int(company)] else {
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
        staging.add(row.bucket, company: company, role: row.role, trailingFailures: row.trailingFailures)
    }
}
