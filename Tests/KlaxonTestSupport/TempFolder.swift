import Foundation
import Testing

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

    /// A scratch copy of the example job, run once at 02:00 with its messages written to files.
    static func ranExampleJob() throws -> (TempFolder, String) {
        let temp = TempFolder()
        let job = try temp.exampleJob()
        let run = try KlaxonBinary.run(["run", job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", temp.url("sent"), "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        return (temp, job)
    }
}
