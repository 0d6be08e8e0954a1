import Foundation

/// What `klaxon check` says about the job-level run settings `lag` and `metrics_file`
/// (behaviour.md "Feed health and live files") beyond what loading already refuses (a malformed duration).
public enum RunSettingsCheck {
    /// A metrics file whose folder is missing would fail every run's write (exit 2);
    /// the folder is node_exporter's, so Klaxon does not create it. The state folder is
    /// the exception: every run creates it before it writes the metrics.
    public static func problems(_ job: Job) -> [Problem] {
        guard let file = job.metricsFile else { return [] }
        let folder = (file as NSString).deletingLastPathComponent
        if (folder as NSString).standardizingPath == (job.stateDirectory as NSString).standardizingPath { return [] }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            return [Problem(file: job.file, field: "metrics_file", message: "the folder \(folder) does not exist; create it (node_exporter's --collector.textfile.directory) or fix the path")]
        }
        return []
    }

    /// A lag longer than every window is well-formed, but each window then ends before
    /// the previous run's `now`: the alerts watch only calls older than any run's clock,
    /// which is almost always a unit slip (`1d` for `1h`).
    public static func warnings(_ job: Job) -> [Problem] {
        guard job.lag > job.longestWindow else { return [] }
        return [Problem(file: job.file, field: "lag",
                        message: "\(job.lag) is longer than the longest window (\(job.longestWindow)): every window ends before a whole window's time has passed since it, so alerts see only old calls; was a shorter lag meant?")]
    }
}
