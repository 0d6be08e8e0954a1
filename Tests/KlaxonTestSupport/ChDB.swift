import Foundation

/// PyPI's chdb, the current ClickHouse engine in process, through Tests/Support/clickhouse.py:
/// the other engine every query of the pull must run on besides Debian's 18.16 server.
enum ChDB {
    static let isAvailable: Bool = {
        guard let python = TestPython.executable else { return false }
        return TestPython.run(python, ["-c", "import chdb"]).status == 0
    }()

    /// chdb's answer to `sql`, with no table (`chdb-query`), or over a `cdr.cdr` holding these CDR files.
    static func run(_ sql: String, cdrFiles: [String]? = nil, in scratch: Scratch) throws -> String {
        guard let python = TestPython.executable else { throw TestSupportError("python3 is not installed") }
        let file = scratch.write("chdb-\(UUID().uuidString).sql", sql)
        let script = TestPython.scriptsDirectory.appendingPathComponent("clickhouse.py").path
        let arguments = cdrFiles.map { [script, "chdb", file] + $0 } ?? [script, "chdb-query", file]
        let out = TestPython.run(python, arguments)
        guard out.status == 0 else { throw TestSupportError("chdb failed: \(out.output)") }
        return out.output
    }
}
