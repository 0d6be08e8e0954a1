import Foundation
import KlaxonSystem

/// What `klaxon check` adds to loading for delivery: the files the transports will
/// open must be there, and the secrets the job names should be set.
public enum DeliveryCheck {
    /// CA files that a send would fail on.
    public static func problems(_ job: Job) -> [Problem] {
        let caFiles = [("email.ca_file", job.email?.caFile), ("sms.ca_file", job.sms?.caFile), ("penalties.webhook.ca_file", job.penalties.webhook?.caFile)]
            + job.webhooks.sorted(by: { $0.key < $1.key }).map { ("webhooks.\($0.key).ca_file", $0.value.caFile) }
        return caFiles.compactMap { field, path in
            guard let path else { return nil }
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                return Problem(file: job.file, field: field, message: "\(path) does not exist")
            }
            if isFolder.boolValue || !FileSystem.isReadable(path) {
                return Problem(file: job.file, field: field, message: "\(path) is not a file this user can read")
            }
            return nil
        }
    }

    /// Secret variables unset in `environment`. Warnings, not problems: `check` runs in
    /// the operator's shell and cron runs with its own environment, so a variable unset
    /// here may be set for cron (and one set here may be missing there).
    public static func warnings(_ job: Job, environment: [String: String] = ProcessInfo.processInfo.environment) -> [Problem] {
        WebhookCheck.warnings(job, environment: environment) + job.secretVariables.filter { environment[$0.name]?.isEmpty ?? true }.map {
            Problem(file: job.file, field: $0.setting,
                    message: "the environment variable \($0.name) is not set here; "
                        + "a run sends nothing through this channel without it, so make sure cron's environment sets it (cron does not read your shell's)")
        }
    }
}
