import Foundation
import KlaxonSystem

/// The run reports kept in `STATE/reports/`, newest last; old ones are pruned.
struct ReportArchive {
    let directory: String
    static let keep = 500

    static func encode(_ report: RunReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// Archives `report`, given as `encode` made it: the run encodes it once for
    /// both the archive and `--report` (a first run's report is ~10 ms of JSON).
    func write(encoded: String, of report: RunReport, warnings: inout [String]) {
        let name = report.now.replacingOccurrences(of: ":", with: "") + ".json"
        do {
            try AtomicFile.createFolder(directory)
            try AtomicFile.write(encoded, to: (directory as NSString).appendingPathComponent(name))
        } catch {
            warnings.append("the run report could not be archived: \(error.description)")
            return
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for old in names.dropLast(Self.keep) {
            FileSystem.remove((directory as NSString).appendingPathComponent(old))
        }
        AtomicFile.removeStaleTemporaries(in: directory)
    }
}
