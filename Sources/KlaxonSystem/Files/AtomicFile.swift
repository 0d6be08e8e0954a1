import Foundation

/// Writes files so that a reader, or a run killed at any instant, sees either
/// the old content or the new one (behaviour.md "State and durability"): temporary file, fsync, rename,
/// fsync of the folder. Files are created 0600: state and outbox hold
/// addresses and message bodies. Nothing is ever written through a symbolic
/// link: whoever can write to a folder Klaxon writes to (a switch's import
/// folder) must not choose what a root run overwrites.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        package init(path: String, reason: String) { self.path = path; self.reason = reason }
        public var description: String { "cannot write \(path): \(reason)" }
    }

    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String, keepingBackupAt backup: String? = nil, mode: UInt16? = nil) throws(WriteError) -> [String] {
        try write(to: path, keepingBackupAt: backup, mode: mode) { (out) throws(WriteError) in try out.write(bytes) }
    }

    /// The temporary file being written; `write` puts bytes at its end, and
    /// starts their way to disk every megabyte (`Writeback`).
    public struct Output: ByteOutput {
        package let fd: Int32
        package let path: String
        private var written: Int64 = 0
        private var handedOver: Int64 = 0

        package init(fd: Int32, path: String) {
            self.fd = fd
            self.path = path
        }

        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(WriteError) {
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, base + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(path: path, reason: errnoText())
                }
                offset += n
            }
            written += Int64(bytes.count)
            if written - handedOver >= Writeback.step {
                Writeback.start(fd, offset: handedOver, count: written - handedOver)
                handedOver = written
            }
        }
    }

    /// Like `write(_:to:keepingBackupAt:)`, with the content streamed by `body`
    /// into the temporary file, so that it never has to be in memory whole.
    /// If `body` throws, the temporary file is removed and `path` is untouched.
    /// The new file keeps the mode (and, where allowed, the owner) of the file it
    /// replaces, so an operator's `chmod` for a switch that imports it holds.
    /// `mode`, when given, is the new file's mode whatever the old one's was.
    /// Returns warnings about the backup, which never stop the write.
    @discardableResult
    public static func write(to path: String, keepingBackupAt backup: String? = nil, mode: UInt16? = nil,
                             _ body: (inout Output) throws(WriteError) -> Void) throws(WriteError) -> [String] {
        let folder = (path as NSString).deletingLastPathComponent
        // access(2), not FileManager: a run writes hundreds of files with `--deliver-to`.
        if !folder.isEmpty, access(folder, F_OK) != 0 { try createFolder(folder) }
        let existing = try refuseLink(at: path)
        let temporary = temporaryName(for: path)
        let fd = try createTemporary(temporary)
        if let existing { keepAttributes(of: existing, on: fd) }
        if let mode { _ = fchmod(fd, mode_t(mode & 0o777)) }
        var output = Output(fd: fd, path: path)
        do throws(WriteError) {
            try body(&output)
            if fsync(fd) != 0 { throw WriteError(path: path, reason: errnoText()) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        var warnings: [String] = []
        if let backup, existing != nil {
            warnings = keepBackup(of: path, at: backup)
        }
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
        syncFolder(folder)
        return warnings
    }

    public static func write(_ text: String, to path: String, mode: UInt16? = nil) throws(WriteError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Appends one line durably (append-only logs).
    public static func appendLine(_ line: String, to path: String) throws(WriteError) {
        try appendLines([line], to: path)
    }

    /// Appends lines durably with one write and one fsync.
    public static func appendLines(_ lines: [String], to path: String) throws(WriteError) {
        // O_NOFOLLOW: a link planted at a log's name must not choose what a root run appends to.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw WriteError(path: path, reason: errno == ELOOP ? linkRefusal : errnoText())
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, bytes.count) }
        guard n == bytes.count, fsync(fd) == 0 else { throw WriteError(path: path, reason: n < 0 ? errnoText() : "short write") }
    }

    package static func syncFolder(of path: String) {
        syncFolder((path as NSString).deletingLastPathComponent)
    }

    /// Makes the names in `folder` (a rename into it) durable.
    package static func syncFolder(_ folder: String) {
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    public static func createFolder(_ path: String) throws(WriteError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteError(path: path, reason: "cannot create the folder (\(error.localizedDescription))")
        }
    }

    package static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Somewhere bytes are written in order: a file being written atomically, or memory.
public protocol ByteOutput {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(AtomicFile.WriteError)
}

extension ByteOutput {
    package mutating func write(_ bytes: [UInt8]) throws(AtomicFile.WriteError) {
        var failure: AtomicFile.WriteError?
        bytes.withUnsafeBytes { raw in
            do throws(AtomicFile.WriteError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}

/// Bytes collected in memory.
package struct MemoryOutput: ByteOutput {
    package var bytes: [UInt8] = []

    package init() {}

    package mutating func write(_ bytes: UnsafeRawBufferPointer) throws(AtomicFile.WriteError) {
        self.bytes.append(contentsOf: bytes)
    }
}
