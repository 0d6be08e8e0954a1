import Foundation
import KlaxonSystem

/// The repository's root, for tests that read fixtures/ and jobs/.
public enum Repository {
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    public static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
}

/// The built `klaxon`, run as an operator's cron would, from the repository's root.
public enum KlaxonBinary {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static let path: String = {
        // Test bundles sit next to the products they were built with.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("klaxon").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Repository.path(".build/debug/klaxon")
    }()

    static func process(_ arguments: [String], environment: [String: String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return process
    }

    /// Starts it without waiting: for tests that kill it. `output` names a file for its
    /// stdout and stderr; without it they are discarded.
    public static func start(_ arguments: [String], environment: [String: String] = [:], output: String? = nil) throws -> Process {
        let p = process(arguments, environment: environment)
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            p.standardOutput = handle
            p.standardError = handle
        } else {
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }

    /// Runs it to the end and returns its exit status and output.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try collect(process(arguments, environment: environment))
    }

    /// Runs another program (a shell line, the binary under a capability drop) to the end.
    public static func runProgram(_ executable: String, _ arguments: [String]) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
        return try collect(p)
    }

    /// Runs `p` to the end, reading its stdout and stderr.
    static func collect(_ p: Process) throws -> Output {
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

extension KlaxonBinary {
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs to the end with stdout and stderr into `output`, and returns the exit status
    /// and the process's own peak resident memory (KiB). `Tests/Support/peak_rss.py`
    /// forks it: a child of the test process itself would report at least the test
    /// process's peak (Linux keeps the peak of the address space an exec replaces).
    public static func runMeasuringMemory(_ arguments: [String], output: String) throws -> (status: Int32, maxResidentKiB: Int) {
        let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let python else { throw SpawnError(description: "python3 is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Repository.path("Tests/Support/peak_rss.py"), output, path] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let status = Int32(fields[0]), let peak = Int(fields[1]) else {
            throw SpawnError(description: "peak_rss.py printed \"\(text)\"")
        }
        return (status, peak)
    }
}
