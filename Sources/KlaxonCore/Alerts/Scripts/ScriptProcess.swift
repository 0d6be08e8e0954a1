import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one executable as a script alert does (SPEC §9, §15): no shell, a fixed
/// argument list, its standard input from a file, a deadline after which its
/// whole process group is killed, and a cap on what it may print.
///
/// Foundation's `Process` starts the child as the leader of its own process
/// group, so `kill(-pid)` also reaches whatever the script started itself.
struct ScriptProcess {
    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var workingDirectory: String
    var timeout: TimeInterval
    /// Bytes of standard output accepted; past this the script is killed.
    var outputCap: Int
    /// Bytes of standard error kept (the end of it) for messages.
    static let stderrKept = 4_096

    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case outputTooLarge
        case couldNotStart(String)
    }

    struct Result: Sendable {
        var ending: Ending
        var stdout: Data
        var stderrTail: String
        var seconds: Double
    }

    func run(input: Data) -> Result {
        let started = Date()
        func result(_ ending: Ending, _ out: Data = Data(), _ err: String = "") -> Result {
            Result(ending: ending, stdout: out, stderrTail: err, seconds: Date().timeIntervalSince(started))
        }
        guard let stdin = Self.inputFile(input) else { return result(.couldNotStart("cannot write its input to a temporary file")) }
        var process = Process()
        var out = Pipe(), err = Pipe()
        let exited = DispatchGroup()
        // A script that was just written or replaced can be briefly "text file busy"
        // (ETXTBSY) while another process that forked meanwhile still holds it open
        // for writing; a few short retries ride that out before giving up.
        var attempt = 0
        while true {
            process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = environment
            process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
            out = Pipe()
            err = Pipe()
            process.standardInput = stdin
            process.standardOutput = out
            process.standardError = err
            exited.enter()
            process.terminationHandler = { _ in exited.leave() }
            do {
                try process.run()
                break
            } catch {
                exited.leave()
                attempt += 1
                guard attempt < 5, access(executable, X_OK) == 0 else {
                    return result(.couldNotStart(error.localizedDescription))
                }
                usleep(UInt32(50_000 * attempt))
            }
        }
        try? stdin.close()
        let pid = process.processIdentifier
        let killGroup: @Sendable () -> Void = { _ = kill(-pid, SIGKILL) }

        let stdout = Collector(cap: outputCap, keepTail: false, onOverflow: killGroup)
        let stderr = Collector(cap: Self.stderrKept, keepTail: true, onOverflow: {})
        let drained = DispatchGroup()
        for (pipe, collector) in [(out, stdout), (err, stderr)] {
            drained.enter()
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async {
                collector.drain(handle.fileDescriptor)
                drained.leave()
            }
        }
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()

        let deadline = DispatchTime.now() + timeout
        var timedOut = false
        if exited.wait(timeout: deadline) == .timedOut {
            timedOut = true
            killGroup()
            exited.wait()
        }
        // A child left behind holding the pipes open is killed with its group at the deadline.
        if drained.wait(timeout: timedOut ? .now() + 2 : deadline) == .timedOut {
            killGroup()
            _ = drained.wait(timeout: .now() + 2)
        }
        let tail = String(decoding: stderr.data, as: UTF8.self)
        if stdout.overflowed { return result(.outputTooLarge, Data(), tail) }
        if timedOut { return result(.timedOut, stdout.data, tail) }
        switch process.terminationReason {
        case .exit: return result(.exited(process.terminationStatus), stdout.data, tail)
        case .uncaughtSignal: return result(.signalled(process.terminationStatus), stdout.data, tail)
        @unknown default: return result(.exited(process.terminationStatus), stdout.data, tail)
        }
    }

    /// The input in an unlinked temporary file: the script reads it at its own pace, and
    /// one that never reads its input cannot block Klaxon or make it take a SIGPIPE.
    private static func inputFile(_ data: Data) -> FileHandle? {
        var template = Array((NSTemporaryDirectory() + "/klaxon-script-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { $0.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = $0.baseAddress.map { unlink($0) } }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.seek(toOffset: 0)
        } catch { return nil }
        return handle
    }
}

/// Collects what a pipe delivers, up to a cap: the first bytes (standard output,
/// where going past the cap is a failure) or the last ones (standard error).
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var exceeded = false
    let cap: Int
    let keepTail: Bool
    let onOverflow: @Sendable () -> Void

    init(cap: Int, keepTail: Bool, onOverflow: @escaping @Sendable () -> Void) {
        self.cap = cap
        self.keepTail = keepTail
        self.onOverflow = onOverflow
    }

    var data: Data { lock.withLock { buffer } }
    var overflowed: Bool { lock.withLock { exceeded } }

    /// Reads `fd` to its end.
    func drain(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            append(chunk[0..<n])
        }
    }

    private func append(_ bytes: ArraySlice<UInt8>) {
        let overflowNow: Bool = lock.withLock {
            if keepTail {
                buffer.append(contentsOf: bytes)
                if buffer.count > cap { buffer.removeFirst(buffer.count - cap) }
                return false
            }
            guard !exceeded else { return false }
            guard buffer.count + bytes.count <= cap else {
                exceeded = true
                buffer = Data()
                return true
            }
            buffer.append(contentsOf: bytes)
            return false
        }
        if overflowNow { onOverflow() }
    }
}
