import Foundation

/// Runs the built `klaxon` executable as an operator's cron would.
struct KlaxonProcess {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let executable: String = {
        // Test bundles sit next to the products they were built with.
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("klaxon").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return Repository.path(".build/debug/klaxon")
    }()

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Repository.root)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}

enum Repository {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }
}

/// A temporary folder removed when the test ends.
final class TempFolder {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-e2e-\(UUID().uuidString)").path
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func url(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    /// Copies the example job and its fixtures here, so a real run changes nothing in the repository.
    func exampleJob() throws -> String {
        let fm = FileManager.default
        try fm.copyItem(atPath: Repository.path("jobs"), toPath: url("jobs"))
        try fm.copyItem(atPath: Repository.path("fixtures"), toPath: url("fixtures"))
        // Exports are settled: written well before the run.
        let old = Date().addingTimeInterval(-3_600)
        for folder in ["fixtures/balances", "fixtures/cdrs"] {
            for name in try fm.contentsOfDirectory(atPath: url(folder)) {
                try fm.setAttributes([.modificationDate: old], ofItemAtPath: url("\(folder)/\(name)"))
            }
        }
        return url("jobs/example-hourly.json5")
    }
}
