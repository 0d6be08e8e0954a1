import Foundation

/// What `klaxon check` adds to loading: the drop folders a run would read
/// must exist and be readable, and the template folder too.
public enum InputCheck {
    public static func problems(_ job: Job) -> [Problem] {
        var problems: [Problem] = []
        for (name, input) in [("balances", job.balances), ("cdrs", job.cdrs)] {
            guard let input else { continue }
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: input.path, isDirectory: &isFolder) {
                problems.append(Problem(file: job.file, field: "inputs.\(name).path", message: "\(input.path) does not exist"))
            } else if access(input.path, R_OK) != 0 {
                problems.append(Problem(file: job.file, field: "inputs.\(name).path", message: "\(input.path) is not readable by this user"))
            }
        }
        return problems
    }
}
