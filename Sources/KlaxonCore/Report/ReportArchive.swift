import Foundation
import KlaxonSystem

/// The run reports kept in `STATE/reports/`, newest last; old ones are pruned.
struct ReportArchive {
    let directory: String
    static let keep = 500

    /// The report's JSON. `decisions`, when given, must be `report.decisions`
    /// encoded: the run encodes them inside its timed steps.
    static func encode(_ report: RunReport, decisions: DecisionsJSON? = nil) -> String {
        let decisions = decisions ?? DecisionsJSON(report.decisions)
        guard decisions.encodable else { return encodeWithJSONEncoder(report) }
        var rest = report
        rest.decisions = []
        guard let data = try? encoder.encode(rest) else { return "\n" }
        let json = [UInt8](data)
        // The top-level key is the only one indented by two spaces, and a
        // string's line ends are escaped: the marker is found once, then the
        // first `]` closes the empty array.
        let marker = Array("\n  \"decisions\" : ".utf8)
        guard let at = firstIndex(of: marker, in: json),
              let close = json[(at + marker.count)...].firstIndex(of: 0x5D)
        else { return encodeWithJSONEncoder(report) }
        var out = [UInt8]()
        out.reserveCapacity(json.count + decisions.bytes.count + 1)
        out.append(contentsOf: json[..<(at + marker.count)])
        out.append(contentsOf: decisions.bytes)
        out.append(contentsOf: json[(close + 1)...])
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// The whole report through `JSONEncoder`: the reference `encode` is tested against.
    static func encodeWithJSONEncoder(_ report: RunReport) -> String {
        String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self) + "\n"
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
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
