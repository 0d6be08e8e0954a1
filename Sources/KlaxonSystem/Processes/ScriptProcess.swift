import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one executable as a script alert does (behaviour.md "Alerts and the state machine", §15): no shell, a fixed
/// argument list, its standard input from a file, a deadline after which its
/// whole process group is killed, and a cap on what it may print.
///
/// The run ends when the script itself ends, not when its output pipes close: a
/// child it left running (in its process group) is killed then, and a daemon that
/// left the group keeps nothing of Klaxon's but the far ends of two closed pipes.
/// So a run takes at most the timeout plus a few milliseconds, whatever the script leaves behind.
package struct ScriptProcess {
    package var executable: String
    package var arguments: [String]
    package var environment: [String: String]
    package var workingDirectory: String
    package var timeout: TimeInterval
    /// Bytes of standard output accepted; past this the script is killed.
    package var outputCap: Int
    /// Bytes of standard error kept (the end of it) for messages.
    package static let stderrKept = 4_096

    package init(executable: String, arguments: [String], environment: [String: String],
                 workingDirectory: String, timeout: TimeInterval, outputCap: Int) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.outputCap = outputCap
    }

    package enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case outputTooLarge
        case couldNotStart(String)
    }

    package struct Result: Sendable {
        package var ending: Ending
        package var stdout: Data
        package var stderrTail: String
        package var seconds: Double
    }

    package func run(input: Data) -> Result {
        let started = Date()
        func result(_ ending: Ending, _ out: Data = Data(), _ err: String = "") -> Result {
            Result(ending: ending, stdout: out, stderrTail: err, seconds: Date().timeIntervalSince(started))
        }
        guard let stdin = Self.inputFile(input) else { return result(.couldNotStart("cannot write its input to a temporary file")) }
        defer { close(stdin) }
        guard let out = Spawn.pipe() else { return result(.couldNotStart("cannot create a pipe: \(SpawnError(errno).description)")) }
        defer { close(out.readEnd) }
        guard let err = Spawn.pipe() else {
            close(out.writeEnd)
            return result(.couldNotStart("cannot create a pipe: \(SpawnError(errno).description)"))
        }
        defer { close(err.readEnd) }

        let spawned = start(stdin: stdin, stdout: out.writeEnd, stderr: err.writeEnd)
        // Only the script holds the write ends now: its end is seen as theirs closing.
        close(out.writeEnd)
        close(err.writeEnd)
        let pid: pid_t
        switch spawned {
        case .success(let p): pid = p
        case .failure(let error): return result(.couldNotStart(Self.explain(error, executable: executable)))
        }

        var stdout = Capture(cap: outputCap, keepTail: false)
        var stderr = Capture(cap: Self.stderrKept, keepTail: true)
        let deadline = Date().addingTimeInterval(timeout)
        var ending: Ending?
        var open = [out.readEnd, err.readEnd]
        var slice: Int32 = 1
        while ending == nil {
            if Spawn.hasEnded(pid) { break }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                ending = .timedOut
                break
            }
            // Short waits while the script may end at any moment, then up to 50 ms: its end
            // is not something poll() sees, since a child it left may hold the pipes open.
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            // In Double first: a timeout of weeks in milliseconds does not fit an Int32.
            _ = poll(&fds, nfds_t(fds.count), Int32(min(Double(slice), left * 1000 + 1)))
            slice = min(slice * 2, 50)
            for fd in fds where fd.revents != 0 {
                let more = fd.fd == out.readEnd ? stdout.drain(fd.fd) : stderr.drain(fd.fd)
                if !more { open.removeAll { $0 == fd.fd } }
            }
            if stdout.overflowed { ending = .outputTooLarge }
        }
        if ending == nil {
            // What the script wrote before it ended is in the pipes already.
            if open.contains(out.readEnd) { _ = stdout.drain(out.readEnd) }
            if open.contains(err.readEnd) { _ = stderr.drain(err.readEnd) }
            if stdout.overflowed { ending = .outputTooLarge }
        }
        // Whatever the script left in its group goes with it, before it is reaped: until
        // then its pid, which is the group's id, cannot be given to another process.
        Spawn.killGroup(pid)
        let status = Spawn.reap(pid)
        let tail = stderr.text
        switch ending {
        case .outputTooLarge?: return result(.outputTooLarge, Data(), tail)
        case .timedOut?: return result(.timedOut, stdout.data, tail)
        default: break
        }
        switch status {
        case .exited(let code): return result(.exited(code), stdout.data, tail)
        case .signalled(let signal): return result(.signalled(signal), stdout.data, tail)
        }
    }

    /// Starts the script. One that was just written or replaced can be briefly "text file
    /// busy" (ETXTBSY) while another process that forked meanwhile still holds it open
    /// for writing; a few short retries ride that out before giving up.
    private func start(stdin: Int32, stdout: Int32, stderr: Int32) -> Swift.Result<pid_t, SpawnError> {
        var attempt = 0
        while true {
            let started = Spawn.start(executable: executable, arguments: arguments, environment: environment,
                                      directory: workingDirectory, stdin: stdin, stdout: stdout, stderr: stderr)
            guard case .failure(let error) = started, error.code == ETXTBSY || error.code == EINTR, attempt < 5 else { return started }
            attempt += 1
            usleep(UInt32(50_000 * attempt))
        }
    }

    /// Why the script could not be started, and what to do about it.
    package static func explain(_ error: SpawnError, executable: String) -> String {
        switch error.code {
        case ENOEXEC:
            return "the system cannot run it: it is neither a program nor a script starting with a #! line; "
                + "add one as its first line, e.g. #!/bin/sh or #!/usr/bin/env python3"
        case ENOENT:
            if FileManager.default.fileExists(atPath: executable) {
                return "its #! line names an interpreter that does not exist (\(error.description)); fix the first line of \(executable)"
            }
            return "no such file \(executable)"
        case EACCES:
            return "permission denied (\(error.description)); run chmod +x on it, and check that its folders can be entered"
        default:
            return error.description
        }
    }

    /// The input in an unlinked temporary file: the script reads it at its own pace, and
    /// one that never reads its input cannot block Klaxon or make it take a SIGPIPE.
    private static func inputFile(_ data: Data) -> Int32? {
        var template = Array((NSTemporaryDirectory() + "/klaxon-script-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
        guard created >= 0 else { return nil }
        _ = fcntl(created, F_SETFD, FD_CLOEXEC)
        let fd = Spawn.aboveStandard(created)
        template.withUnsafeBufferPointer { _ = $0.baseAddress.map { unlink($0) } }
        var written = 0
        let ok = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress?.advanced(by: written), bytes.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                written += n
            }
            return true
        }
        guard ok, lseek(fd, 0, SEEK_SET) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}

/// What a pipe delivers, up to a cap: the first bytes (standard output, where
/// going past the cap is a failure) or the last ones (standard error, of which
/// only the end is shown). Never holds more than the cap plus one read.
private struct Capture {
    package let cap: Int
    package let keepTail: Bool
    package private(set) var bytes: [UInt8] = []
    package private(set) var overflowed = false

    package init(cap: Int, keepTail: Bool) {
        self.cap = cap
        self.keepTail = keepTail
    }

    package var data: Data { Data(bytes) }
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Reads what `fd` has now, without waiting, up to 1 MiB: a script that writes faster
    /// than this reads must not keep the caller from its deadline. False once at its end.
    package mutating func drain(_ fd: Int32) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for _ in 0..<16 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }
            if n == 0 { return false }
            append(chunk[0..<n])
            if overflowed { return true }
        }
        return true
    }

    private mutating func append(_ chunk: ArraySlice<UInt8>) {
        if keepTail {
            if chunk.count >= cap {
                bytes = Array(chunk.suffix(cap))
            } else {
                let excess = bytes.count + chunk.count - cap
                if excess > 0 { bytes.removeFirst(excess) }
                bytes.append(contentsOf: chunk)
            }
            return
        }
        guard bytes.count + chunk.count <= cap else {
            overflowed = true
            bytes = []
            return
        }
        bytes.append(contentsOf: chunk)
    }
}
