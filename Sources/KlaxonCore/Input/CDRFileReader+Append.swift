import Foundation
import KlaxonEngine

extension CDRFileReader {
    /// What reading the new lines of an appended file gave: the staging, and what the
    /// ledger records so that the next run starts where this one stopped.
    struct AppendedStaging: Sendable {
        var staging: CDRStaging
        /// The digest of the bytes `0..<end`.
        var digest: String
        var end: Int
        var lines: Int
    }

    /// Reads the complete lines in `from..<end` (`end` just past a line end). `prefix` is the
    /// digest of `0..<from`; from past the header, the header's columns are read again first.
    func readAppended(_ file: DropFile, from: Int, to end: Int, lines: Int, prefix: BlockDigest,
                      report: inout FileReport) -> AppendedStaging? {
        var columns: CDRColumns?
        if from > 0 {
            columns = probeColumns(file, before: from)
            if columns == nil {
                report.outcome = .rejected
                report.reason = "the first line no longer gives usable columns"
                return nil
            }
        }
        let range = readRange(path: file.path, identity: file.identity, offset: from, stop: end, columns: columns,
                              digestFrom: 0, digestTo: end, digestSoFar: prefix)
        range.tally.add(to: &report, path: file.path, lineOffset: lines)
        if let failure = range.failure {
            report.outcome = range.unopened ? .refused : .rejected
            report.reason = failure
            return nil
        }
        // As for a whole file: a first read with no readable row is not this kind of export.
        if from == 0, report.rows > 0, report.rejectedRows == report.rows {
            report.outcome = .rejected
            report.reason = "no row could be read (first: \(report.rejections.first ?? "")); is this a \(input.format.rawValue) CDR export?"
            return nil
        }
        // A quoted field running past the last line end, or a file cut short meanwhile: the last record is not complete.
        guard range.stoppedAt == end, let digest = range.digest.flatMap({ BlockDigest.finalize([$0], length: end) }) else {
            report = FileReport(input: report.input, name: report.name, outcome: .waiting,
                                reason: "its last record is not complete (a quoted field runs past the last line end, or the file shrank while it was read); read once it is")
            return nil
        }
        return AppendedStaging(staging: range.staging, digest: digest, end: end, lines: lines + range.stoppedLine - 1)
    }
}
