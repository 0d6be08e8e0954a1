import Foundation
@testable import KlaxonCore

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
