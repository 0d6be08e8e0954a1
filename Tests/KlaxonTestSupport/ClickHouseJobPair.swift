import Foundation
import Testing
@testable import KlaxonCore

/// Two jobs over the same CDRs with the same alerts: one reads CSV files from a
/// drop folder, the other pulls from ClickHouse. What each run decides, and the
/// buckets it commits, must be the same (behaviour.md "Pulling from ClickHouse").
final class ClickHouseJobPair {
    let scratch = Scratch()
    static let hours = ["cdrs-2026-11-27T0000.csv", "cdrs-2026-11-27T0100.csv"]
    static func fixture(_ name: String) -> String { Repository.path("fixtures/cdrs/\(name)") }

    /// Windowed alerts of both roles and the carriers' failure streak; penalties instead of
    /// recipients, so every decision shows in the run report and nothing is sent.
    static let alerts = """
      alerts: [
        { title: "Low ASR", scope: { type: "customer" }, to: [], penalty: "1h", area: "asr", operator: "<", threshold: 40, reset_threshold: 45, sample_period: "1h", min_calls: 5 },
        { title: "Carrier ASR", scope: { type: "carrier" }, to: [], penalty: "1h", area: "asr", operator: "<", threshold: 40, sample_period: "1h", min_calls: 5 },
        { title: "Spend", scope: { type: "customer" }, to: [], penalty: "1h", area: "spend", operator: ">", threshold: 1, sample_period: "30m" },
        { title: "Carrier cost", scope: { type: "carrier" }, to: [], penalty: "1h", area: "spend", operator: ">", threshold: 2, sample_period: "1h" },
        { title: "PDD", scope: { type: "customer" }, to: [], penalty: "1h", area: "pdd", operator: ">", threshold: 1500, sample_period: "1h", min_calls: 5 },
        { title: "NER", scope: { type: "carrier" }, to: [], penalty: "1h", area: "ner", operator: "<", threshold: 90, sample_period: "1h", min_calls: 5 },
        { title: "Failures", scope: { type: "carrier" }, to: [], penalty: "1h", area: "consecutive_failures", operator: ">", threshold: 3 },
      ]
    """

    init() {
        for name in ["balances-2026-11-26T2300.csv", "balances-2026-11-27T0100.csv"] {
            scratch.write("balances/\(name)", (try? String(contentsOfFile: Repository.path("fixtures/balances/\(name)"), encoding: .utf8)) ?? "")
        }
        try? FileManager.default.createDirectory(atPath: scratch.url("drop"), withIntermediateDirectories: true)
        writeCSVJob()
    }

    private func writeCSVJob() {
        scratch.write("csv.json5", """
        { name: "csv", state: "state-csv",
          inputs: { balances: { path: "balances", settle: "0s" }, cdrs: { path: "drop", settle: "0s" } },
        \(Self.alerts) }
        """, age: 0)
    }

    /// The ClickHouse job; `clickhouse` is the inside of its `clickhouse: {…}`.
    func writeClickHouseJob(_ clickhouse: String, name: String = "ch", late: String = "15m") {
        scratch.write("\(name).json5", """
        { name: "\(name)", state: "state-\(name)",
          inputs: { balances: { path: "balances", settle: "0s" }, cdrs: { clickhouse: { \(clickhouse) }, late: "\(late)" } },
        \(Self.alerts) }
        """, age: 0)
    }

    /// Puts an hour's CDR file into the CSV job's drop folder, as the switch would at the hour's end.
    func drop(_ name: String) {
        scratch.write("drop/\(name)", (try? String(contentsOfFile: Self.fixture(name), encoding: .utf8)) ?? "")
    }

    static let environment = ["KLAXON_CH_USER": LocalClickHouseServer.user, "KLAXON_CH_PASSWORD": LocalClickHouseServer.password]

    /// Runs one job at `now`; returns the exit status, stderr and the JSON run report.
    func run(_ job: String, at now: String, environment: [String: String] = ClickHouseJobPair.environment) throws -> (status: Int32, stderr: String, report: [String: Any]) {
        let reportFile = scratch.url("report-\(job)-\(now).json")
        let out = try KlaxonBinary.run(["run", scratch.url("\(job).json5"), "--now", now, "--quiet", "--report", reportFile], environment: environment)
        let data = FileManager.default.contents(atPath: reportFile) ?? Data()
        let report = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (out.status, out.stderr, report)
    }

    func state(_ job: String) throws -> KlaxonState { try StateStore(directory: scratch.url("state-\(job)")).loadCurrent() }

    /// Each company's current `consecutive_failures`. A pull records a minute's failures at
    /// the minute's start, a CSV file at each call's second: the counts must agree, not the times.
    func streaks(_ job: String) throws -> [String: Int] { try state(job).meta.failureStreaks.mapValues(\.count).filter { $0.value > 0 } }

    /// What two runs must agree on: the decisions with their values, the per-alert counts, the penalties.
    static func decided(_ report: [String: Any]) -> String {
        var picked: [String: Any] = [:]
        for key in ["decisions", "alerts", "penalties"] { picked[key] = report[key] ?? NSNull() }
        let data = (try? JSONSerialization.data(withJSONObject: picked, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
