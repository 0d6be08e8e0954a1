import Foundation
import KlaxonSystem

/// What `klaxon check` adds to loading: the drop folders a run would read
/// must exist and be readable, and the template folder too; every alert notifies someone.
public enum InputCheck {
    public static func problems(_ job: Job) -> [Problem] {
        var problems: [Problem] = []
        for (name, input) in [("balances", job.balances), ("cdrs", job.cdrs)] {
            guard let input, input.clickhouse == nil else { continue }
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: input.path, isDirectory: &isFolder) {
                problems.append(Problem(file: job.file, field: "inputs.\(name).path", message: "\(input.path) does not exist"))
            } else if !FileSystem.isReadable(input.path) {
                problems.append(Problem(file: job.file, field: "inputs.\(name).path", message: "\(input.path) is not readable by this user"))
            }
        }
        problems += silentAlerts(job)
        return problems
    }

    /// An alert with an empty `to` fires in silence: refused, unless it applies a penalty,
    /// which the penalty file, log and webhook record. A run still loads such a job (it
    /// warns at each silent firing), so that one alert does not stop the others.
    static func silentAlerts(_ job: Job) -> [Problem] {
        job.alerts.filter { $0.recipients.isEmpty && $0.penalty == nil }.map {
            Problem(file: $0.file, alert: $0.title, field: "to",
                    message: "is empty, so the alert would notify no one; list e-mail addresses, E.164 phone numbers and/or \"contacts\"")
        }
    }
}
