import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Debian's `clickhouse-server` (18.16, installed by `.ci/setup --tests`) on free
/// loopback ports, with its data, logs and users in a temporary folder: nothing of
/// the machine's own ClickHouse setup is used or touched. Killed and removed when
/// this object goes away. Users: `default` (no password) and `klaxon` / `password`.
final class LocalClickHouseServer {
    static let executable = "/usr/sbin/clickhouse-server"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) && TestPython.isAvailable }

    static let user = "klaxon"
    static let password = "ch-secret-7f3a"

    let folder: String
    let httpPort: Int
    private var pid: pid_t?

    var url: String { "http://127.0.0.1:\(httpPort)" }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-clickhouse-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        httpPort = try stableLoopbackPort()
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Starts the server (again, after `kill`, on the same port and data) and waits until it answers.
    func start() throws {
        let tcpPort = try stableLoopbackPort()
        try config(tcpPort: tcpPort).write(toFile: "\(folder)/config.xml", atomically: true, encoding: .utf8)
        try users.write(toFile: "\(folder)/users.xml", atomically: true, encoding: .utf8)
        pid = try spawn(Self.executable, ["--config-file=\(folder)/config.xml"], output: "\(folder)/console.log")
        let ping = try helper(["ping", url, "60"])
        guard ping.status == 0 else {
            let log = (try? String(contentsOfFile: "\(folder)/error.log", encoding: .utf8)) ?? ""
            kill()
            throw TestSupportError("clickhouse-server did not answer on \(url): \(ping.output)\n--- error.log ---\n\(log.suffix(3000))")
        }
    }

    /// SIGKILL, as a crash or an unplugged machine would stop it.
    func kill() {
        guard let p = pid else { return }
        pid = nil
        Glibc.kill(p, SIGKILL)
        var status: Int32 = 0
        while waitpid(p, &status, 0) < 0 && errno == EINTR {}
    }

    /// Creates `cdr.cdr` with ConnexCS's column names if missing and inserts the rows of these CDR files.
    func load(_ csvFiles: [String]) throws {
        let result = try helper(["load", url] + csvFiles)
        guard result.status == 0 else { throw TestSupportError("loading \(csvFiles) failed: \(result.output)") }
    }

    /// The server's answer to `sql`, as text.
    func query(_ sql: String) throws -> String {
        let file = "\(folder)/query-\(UUID().uuidString).sql"
        try sql.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try helper(["query", url, file])
        guard result.status == 0 else { throw TestSupportError("query failed: \(result.output)") }
        return result.output
    }

    /// Runs Tests/Support/clickhouse.py with posix_spawn and waitpid, its output into a file:
    /// a Foundation `Process` next to the running server was seen never to be reaped.
    private func helper(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let python = TestPython.executable else { throw TestSupportError("python3 is not installed") }
        let output = "\(folder)/helper-\(UUID().uuidString).out"
        let pid = try spawn(python, [TestPython.scriptsDirectory.appendingPathComponent("clickhouse.py").path] + arguments, output: output)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: output)
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : -1, text)
    }

    private func spawn(_ executable: String, _ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, cArgs, environ)
        guard spawned == 0 else { throw TestSupportError("posix_spawn \(executable) failed: \(spawned)") }
        return pid
    }

    private func config(tcpPort: Int) -> String {
        """
        <?xml version="1.0"?>
        <yandex>
            <logger><level>warning</level><log>\(folder)/server.log</log><errorlog>\(folder)/error.log</errorlog><console>0</console></logger>
            <listen_host>127.0.0.1</listen_host>
            <http_port>\(httpPort)</http_port>
            <tcp_port>\(tcpPort)</tcp_port>
            <path>\(folder)/data/</path>
            <tmp_path>\(folder)/tmp/</tmp_path>
            <user_files_path>\(folder)/user_files/</user_files_path>
            <format_schema_path>\(folder)/format_schemas/</format_schema_path>
            <mark_cache_size>5368709</mark_cache_size>
            <users_config>\(folder)/users.xml</users_config>
            <default_profile>default</default_profile>
            <default_database>default</default_database>
            <timezone>UTC</timezone>
        </yandex>
        """
    }

    private var users: String {
        """
        <?xml version="1.0"?>
        <yandex>
            <profiles><default><max_threads>2</max_threads></default></profiles>
            <users>
                <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
                <\(Self.user)><password>\(Self.password)</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></\(Self.user)>
            </users>
            <quotas><default></default></quotas>
        </yandex>
        """
    }
}
