import Foundation

/// Reads secrets from the environment variables a job names. Values never
/// leave this type except into a transport; messages name the variable only.
public struct Secrets: Sendable {
    let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The variable's value; nil when no variable is named. A named but unset variable is a failure.
    func value(_ name: String?) throws(SendFailure) -> String? {
        guard let name else { return nil }
        guard let value = environment[name], !value.isEmpty else {
            throw SendFailure("the environment variable \(name) named in the job is not set")
        }
        return value
    }
}
