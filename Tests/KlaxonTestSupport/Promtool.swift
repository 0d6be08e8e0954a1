import Foundation

/// Prometheus's `promtool` (Debian's `prometheus` package, installed by
/// `.ci/setup --tests`), which lints a metrics file as the server would read it.
enum Promtool {
    /// promtool found on PATH, or nil.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static var isAvailable: Bool { executable != nil }

    /// `promtool check metrics < file`: exit status 0 and no output when the file has
    /// neither an error nor a lint warning (a warning alone already makes it exit non-zero).
    static func checkMetrics(_ file: String) throws -> KlaxonBinary.Output {
        guard let executable else { throw KlaxonBinary.SpawnError(description: "promtool is not installed") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["check", "metrics"]
        p.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return KlaxonBinary.Output(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
