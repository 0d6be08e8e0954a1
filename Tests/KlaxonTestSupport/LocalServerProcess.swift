import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One helper script from Tests/Support running as a child process, listening
/// on 127.0.0.1. Its stdin is a pipe we hold: when this object (or the whole
/// test process) goes away the script sees EOF and exits, so no server outlives
/// the tests. Each instance has its own temporary folder for what the server records.
final class LocalServerProcess {
    let port: Int
    let folder: URL
    let recordsFolder: URL
    private let process: Process
    private let stdinPipe = Pipe()

    init(script: String, arguments: [String]) throws {
        guard let python = TestPython.executable else { throw TestSupportError("python3 is not installed") }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-\(script)-\(UUID().uuidString)")
        recordsFolder = folder.appendingPathComponent("records")
        try FileManager.default.createDirectory(at: recordsFolder, withIntermediateDirectories: true)
        let stderrURL = folder.appendingPathComponent("server-stderr.log")
        guard FileManager.default.createFile(atPath: stderrURL.path, contents: nil) else {
            throw TestSupportError("cannot create \(stderrURL.path)")
        }

        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", TestPython.scriptsDirectory.appendingPathComponent(script).path,
                             "--out", recordsFolder.path, "--exit-on-stdin-eof"] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = stdinPipe
        try process.run()

        do {
            port = try Self.readPort(from: stdout.fileHandleForReading.fileDescriptor, timeout: .seconds(30))
        } catch {
            process.terminate()
            process.waitUntilExit()
            let log = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw TestSupportError("\(script) did not start: \(error)\n--- its stderr ---\n\(log)")
        }
    }

    deinit { stop() }

    /// Stops the server: EOF on its stdin, then SIGTERM, then SIGKILL after 5 s.
    /// (Children started from a libdispatch thread may inherit a signal mask that
    /// blocks SIGTERM; the scripts unblock it, and SIGKILL cannot be blocked.)
    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning && ContinuousClock.now < deadline {
                usleep(20_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Every JSON record the server wrote so far, oldest first.
    func records<Record: Decodable>(as type: Record.Type) throws -> [Record] {
        var seen: Set<String> = []
        return try newRecords(as: type, seen: &seen)
    }

    /// The records whose files are not in `seen` yet, oldest first; adds them to it.
    /// (A set, not a high-water mark: a threaded server may finish files out of order.)
    func newRecords<Record: Decodable>(as type: Record.Type, seen: inout Set<String>) throws -> [Record] {
        let names = try FileManager.default.contentsOfDirectory(atPath: recordsFolder.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && !seen.contains($0) }
            .sorted()
        seen.formUnion(names)
        return try names.map { name in
            let data = try Data(contentsOf: recordsFolder.appendingPathComponent(name))
            return try JSONDecoder().decode(Record.self, from: data)
        }
    }

    /// Reads lines until "PORT <n>", waiting with poll() so a hung script cannot hang the test.
    private static func readPort(from fd: Int32, timeout: Duration) throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var pending: [UInt8] = []
        while true {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                if line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) { return port }
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw TestSupportError("no PORT line within \(timeout)") }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000 + 1)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0 && errno != EINTR { throw TestSupportError("poll failed: errno \(errno)") }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 512)
            let count = read(fd, &chunk, chunk.count)
            guard count > 0 else { throw TestSupportError("the script exited before printing its port") }
            pending += chunk[..<count]
        }
    }
}

/// A loopback port with nothing listening on it (bound, read, closed), for
/// "connection refused" tests.
func unusedLoopbackPort() throws -> Int {
    guard let port = bindLoopback(port: 0) else { throw TestSupportError("bind() failed") }
    return port
}

/// A free loopback port below the kernel's ephemeral range, for a server that must
/// listen on the same port again after a restart: a port from `unusedLoopbackPort`
/// may meanwhile be taken as the local end of any outgoing connection (the
/// ClickHouse tests' restarted server once found its port "already in use").
func stableLoopbackPort() throws -> Int {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
        if let port = bindLoopback(port: Int.random(in: 20_000..<32_000, using: &generator)) { return port }
    }
    throw TestSupportError("no free loopback port between 20000 and 32000")
}

/// Binds a socket to 127.0.0.1:`port` (0: any) and closes it; the port bound, or nil.
private func bindLoopback(port: Int) -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}
