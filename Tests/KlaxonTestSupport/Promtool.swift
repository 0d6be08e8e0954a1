import Foundation
import KlaxonSystem

/// Prometheus's `promtool` (Debian's `prometheus` package, installed by
/// `.ci/setup --tests`), which lints a metrics file as the server would read it.
enum Promtool {
    /// promtool found on PATH, or nil.
    static let executable: String? = TestPython.which("promtool")

    static var isAvailable: Bool { executable != nil }

    /// `promtool check metrics < file`: exit status 0 and no output when the file has
    /// neither an error nor a lint warning (a warning alone already makes it exit non-zero).
    static func checkMetrics(_ file: String) throws -> KlaxonBinary.Output {
        guard let executable else { throw KlaxonBinary.SpawnError(description: "promtool is not installed") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["check", "metrics"]
        p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        return try KlaxonBinary.collect(p)
    }
}
