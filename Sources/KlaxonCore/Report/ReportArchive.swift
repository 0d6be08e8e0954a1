import Foundation

/// The run reports kept in `STATE/reports/`, newest last; old ones are pruned.
struct ReportArchive {
    let directory: String
    static let keep = 500

    static func encode(_ report: RunReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
    }

    func write(_ report: RunReport, warnings: inout [String]) {
        let name = report.now.replacingOccurrences(of: ":", with: "") + ".json"
        do {
            try AtomicFile.createFolder(directory)
            try AtomicFile.write(Self.encode(report), to: (directory as NSString).appendingPathComponent(name))
        } catch {
            warnings.append("the run report could not be archived: \(error.description)")
            return
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        for old in names.dropLast(Self.keep) {
            unlink((directory as NSString).appendingPathComponent(old))
        }
        AtomicFile.removeStaleTemporaries(in: directory)
    }
}
