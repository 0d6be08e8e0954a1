import Foundation

/// Shell-style wildcard matching (`*`, `?`, `[...]`) through the C library's fnmatch.
public enum Glob {
    public static func matches(_ name: String, pattern: String) -> Bool {
        fnmatch(pattern, name, 0) == 0
    }

    /// Regular files matching an absolute pattern whose wildcards are in the last component only.
    public static func files(matching pattern: String) -> [String] {
        let folder = (pattern as NSString).deletingLastPathComponent
        let namePattern = (pattern as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { matches($0, pattern: namePattern) }.sorted().map { (folder as NSString).appendingPathComponent($0) }
    }
}
