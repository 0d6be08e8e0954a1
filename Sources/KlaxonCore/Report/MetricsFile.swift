import Foundation

/// The metrics file of behaviour.md "Feed health and live files": the Prometheus text exposition format (0.0.4)
/// for node_exporter's textfile collector. No sample carries a timestamp (the
/// collector refuses them); every series carries the job's name as `job`.
public struct MetricsFile: Sendable {
    /// What the committed state says about alerts, the outbox and penalties.
    public struct Gauges: Sendable {
        /// Alert title → (ok instances, triggered instances), for every alert of the job.
        public var instances: [(alert: String, ok: Int, triggered: Int)]
        public var outboxPending: Int
        public var outboxDead: Int
        public var penaltiesActive: Int

        public init(job: Job, state: KlaxonState) {
            var ok: [String: Int] = [:]
            var triggered: [String: Int] = [:]
            for instance in state.meta.instances.values {
                if instance.status == .triggered { triggered[instance.alert, default: 0] += 1 } else { ok[instance.alert, default: 0] += 1 }
            }
            // Every alert of the job, with zeros: a series that appears only when an alert
            // fires would leave a Prometheus rule nothing to compare before it does.
            instances = job.alerts.map { ($0.title, ok[$0.title] ?? 0, triggered[$0.title] ?? 0) }
            instances += FeedWatch.gauges(job: job, state: state)
            outboxPending = state.meta.outbox.filter { !$0.dead }.count
            outboxDead = state.meta.outbox.count - outboxPending
            penaltiesActive = state.meta.penalties.count
        }
    }

    public var job: String
    /// The input names the job reads, so that every row and file series exists from the first run.
    public var inputs: [String]
    public var lastRun: Int64
    /// nil: no run of this job is known to have exited 0.
    public var lastSuccess: Int64?
    public var durationSeconds: Double
    public var counters: RunCounters
    public var gauges: Gauges

    /// The file's text.
    public func render() -> String {
        var out = ""
        let job = "job=\"\(Self.escape(self.job))\""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name){\(job)\(s.labels.isEmpty ? "" : "," + s.labels)} \(s.value)\n" }
        }
        func label(_ name: String, _ value: String) -> String { "\(name)=\"\(Self.escape(value))\"" }
        func counted(_ table: [String: Int64], _ first: String, _ firsts: [String], _ second: String, _ seconds: [String]) -> [(labels: String, value: String)] {
            // Known combinations with zeros, then anything else the state has counted (an input since removed).
            var keys = firsts.flatMap { a in seconds.map { RunCounters.key(a, $0) } }
            keys += table.keys.filter { !keys.contains($0) }.sorted()
            return keys.map { key in
                let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                return (label(first, parts.first ?? "") + "," + label(second, parts.count > 1 ? parts[1] : ""), "\(table[key] ?? 0)")
            }
        }

        family("klaxon_last_run_timestamp_seconds", "gauge", "Time of the last run (its --now, else the wall clock), in seconds since the epoch.",
               [("", "\(lastRun)")])
        family("klaxon_last_success_timestamp_seconds", "gauge", "Time of the last run that exited 0, in seconds since the epoch; 0 when none is known.",
               [("", "\(lastSuccess ?? 0)")])
        family("klaxon_run_duration_seconds", "gauge", "Wall time the last run took, in seconds.",
               [("", String(format: "%.3f", durationSeconds))])
        family("klaxon_rows_total", "counter", "Rows read from the inputs, by input and outcome, since the state was created.",
               counted(counters.rows, "input", inputs, "outcome", RunCounters.rowOutcomes))
        family("klaxon_files_total", "counter", "Files accounted for, by input and outcome, since the state was created.",
               counted(counters.files, "input", inputs, "outcome", RunCounters.fileOutcomes.map(\.rawValue)))
        family("klaxon_alert_instances", "gauge", "Alert instances in the committed state, by alert and status.",
               gauges.instances.flatMap { entry in
                   [(label("alert", entry.alert) + "," + label("status", "ok"), "\(entry.ok)"),
                    (label("alert", entry.alert) + "," + label("status", "triggered"), "\(entry.triggered)")]
               })
        family("klaxon_notifications_total", "counter", "Delivery attempts, by channel and result, since the state was created.",
               counted(counters.notifications, "channel", ["email", "sms", "webhook", "penalty_log"], "result", RunCounters.deliveryResults))
        family("klaxon_outbox_items", "gauge", "Items in the outbox after the last run, by state.",
               [(label("state", "pending"), "\(gauges.outboxPending)"), (label("state", "dead"), "\(gauges.outboxDead)")])
        family("klaxon_penalties_active", "gauge", "Penalties in force after the last run.",
               [("", "\(gauges.penaltiesActive)")])
        return out
    }

    /// A label value as the text format wants it: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for ch in value.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The last success a previous metrics file recorded; nil when there is none (no
    /// file, no such line, or 0, which says none was known).
    public static func lastSuccess(inFileAt path: String) -> Int64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let prefix = "klaxon_last_success_timestamp_seconds{"
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            guard let value = line.split(separator: " ").last.flatMap({ Double($0) }), value > 0, value < 1e15 else { return nil }
            return Int64(value)
        }
        return nil
    }
}
