import Foundation
import Testing
@testable import KlaxonTestSupport

/// `.ci/setup` on a machine where nothing is installed yet: stand-ins for `dpkg`,
/// `apt-get` and `swift` on a PATH that holds nothing else record what it would install.
@Suite struct CISetupTests {
    private func aptInstalls(_ arguments: [String]) throws -> (status: Int32, installed: Set<String>) {
        let temp = TempFolder()
        let bin = temp.url("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let log = temp.url("apt.log")
        let stubs = [
            "swift": "exit 0",
            "dpkg": "exit 1",
            "id": "echo 0",
            "apt-get": "echo \"$*\" >> '\(log)'",
        ]
        for (name, body) in stubs {
            let path = "\(bin)/\(name)"
            try "#!/bin/bash\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Repository.path(".ci/setup")] + arguments
        process.environment = ["PATH": bin, "HOME": temp.path]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let installed = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let words = installed.split(separator: "\n").filter { $0.hasPrefix("install") }.flatMap { $0.split(separator: " ") }
        return (process.terminationStatus, Set(words.map(String.init)))
    }

    @Test func theQuickStartSetupInstallsOnlyWhatBuildingAndRunningNeed() throws {
        let result = try aptInstalls([])
        #expect(result.status == 0)
        #expect(result.installed.contains("libcurl4-openssl-dev"))
        #expect(result.installed.contains("python3"), "the example job's script alert is Python: \(result.installed)")
        for testOnly in ["chromium", "python3-pip", "openssl", "prometheus"] {
            #expect(!result.installed.contains(testOnly), "\(testOnly) is only for the tests: \(result.installed)")
        }
    }

    @Test func theTestVariantAlsoInstallsTheTestTools() throws {
        let result = try aptInstalls(["--tests"])
        for needed in ["libcurl4-openssl-dev", "chromium", "python3", "python3-pip", "openssl", "prometheus"] {
            #expect(result.installed.contains(needed), "\(needed) missing: \(result.installed)")
        }
    }

    @Test func ciRunsTheTestVariant() throws {
        let run = try String(contentsOfFile: Repository.path(".ci/run"), encoding: .utf8)
        #expect(run.contains("bash .ci/setup --tests && swift test"))
    }
}
