import Foundation
@testable import KlaxonCore
import KlaxonEngine

/// Ingests the files of one CDR folder into a fresh state, as a run would.
func ingestCDRs(folder: String, format: String, timezone: String? = nil, extra: String = "", pattern: String = "*",
                now: String, scratch: Scratch) throws -> (KlaxonState, [FileReport]) {
    let zone = timezone.map { ", timezone: \"\($0)\"" } ?? ""
    let job = try scratch.job("""
    { state: "state", inputs: { cdrs: { path: "\(folder)", pattern: "\(pattern)", format: "\(format)", settle: "0s"\(zone)\(extra) } },
      alerts: [ { title: "Attempts", scope: { type: "any" }, to: [], area: "attempts", operator: "always", sample_period: "3h" } ] }
    """, name: "job-\(format).json5")
    var state = KlaxonState()
    let reports = try Ingest(job: job, now: epoch(now), wallClock: Date()).run(&state)
    return (state, reports)
}

extension KlaxonState {
    /// The sum of a company's buckets from `from` (inclusive) to `to` (exclusive), ISO 8601 UTC.
    func total(_ company: String, from: String, to: String) -> MinuteBucket {
        buckets[company]?.total(from: Int32(epoch(from) / 60), to: Int32(epoch(to) / 60)) ?? MinuteBucket(minute: 0)
    }
}

/// What CDRFileReader made of one file, as a run's ingest reads it.
struct ReadCDRFile {
    var staging: CDRFileReader.Staging?
    var report: FileReport
    var path: String
}

/// Writes `content` at `relative` in `scratch` and reads it with CDRFileReader as one
/// file of `format` (split into two ranges from `splitThreshold` bytes, as a run would).
func readCDRFile(_ content: String, at relative: String = "cdrs.csv", format: InputFormat = .connexcs,
                 splitThreshold: Int? = nil, scratch: Scratch) -> ReadCDRFile {
    let file = scratch.dropFile(relative, content)
    let path = file.path, name = file.name
    let input = InputSettings(path: (path as NSString).deletingLastPathComponent, pattern: "*", format: format, columns: [:],
                              timezone: nil, settle: TimeSpan(seconds: 0))
    var reader = CDRFileReader(input: input, knownCompanies: nil, oldestMinute: 0, latestTime: .max)
    if let splitThreshold { reader.splitThreshold = splitThreshold }
    var report = FileReport(input: "cdrs", name: name, outcome: .taken)
    let staging = reader.read(file, report: &report)
    return ReadCDRFile(staging: staging, report: report, path: path)
}

extension Scratch {
    /// Writes `content` at `relative` and describes it as a drop-folder listing would (size, mtime).
    func dropFile(_ relative: String, _ content: String) -> DropFile {
        let path = write(relative, content)
        var info = stat()
        stat(path, &info)
        return DropFile(name: (relative as NSString).lastPathComponent, path: path, size: Int64(info.st_size),
                        modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
}
