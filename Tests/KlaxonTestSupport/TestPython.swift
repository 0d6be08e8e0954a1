import Foundation

/// What the loopback-server tests need from the machine: python3 (tests are
/// skipped without it), the helper scripts in Tests/Support, and aiosmtpd
/// (installed with pip on first use if missing).
enum TestPython {
    /// python3 found on PATH, or nil.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static var isAvailable: Bool { executable != nil }

    /// Tests/Support, found from this file's location (Tests/KlaxonTestSupport/).
    static let scriptsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Support")

    /// nil when aiosmtpd can be imported; otherwise why not. Runs once per test
    /// process (a static let is initialised once, thread-safely), so parallel
    /// tests do not start several pip installs.
    static let aiosmtpdProblem: String? = {
        guard let python = executable else { return "python3 is not installed" }
        if run(python, ["-c", "import aiosmtpd"]).status == 0 { return nil }
        let install = run(python, ["-m", "pip", "install", "--quiet", "aiosmtpd"])
        if run(python, ["-c", "import aiosmtpd"]).status == 0 { return nil }
        return "aiosmtpd is missing and `python3 -m pip install --quiet aiosmtpd` failed:\n\(install.output)"
    }()

    /// Runs a command to completion, collecting stdout and stderr together.
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return (-1, "could not start \(executable): \(error)")
        }
        // Read before waiting, so a chatty command cannot block on a full pipe.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Finds a program on PATH.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

struct TestSupportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
