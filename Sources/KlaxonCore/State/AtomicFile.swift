import Foundation

/// Writes files so that a reader, or a run killed at any instant, sees either
/// the old content or the new one (SPEC §10): temporary file, fsync, rename,
/// fsync of the folder. Files are created 0600: state and outbox hold
/// addresses and message bodies.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public static func write(_ bytes: [UInt8], to path: String, keepingBackupAt backup: String? = nil) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) { try createFolder(folder) }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(path: temporary, reason: errnoText()) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Foundation.write(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                unlink(temporary)
                throw WriteError(path: path, reason: reason)
            }
            offset += n
        }
        if fsync(fd) != 0 {
            let reason = errnoText()
            close(fd)
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
        close(fd)
        if let backup, access(path, F_OK) == 0 {
            // A hard link keeps `path` in place the whole time: there is no instant without a state file.
            let linkName = backup + ".tmp-\(getpid())"
            unlink(linkName)
            if link(path, linkName) == 0 {
                rename(linkName, backup)
            }
        }
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw WriteError(path: path, reason: reason)
        }
        syncFolder(of: path)
    }

    public static func write(_ text: String, to path: String) throws(WriteError) {
        try write(Array(text.utf8), to: path)
    }

    /// Appends one line durably (append-only logs).
    public static func appendLine(_ line: String, to path: String) throws(WriteError) {
        try appendLines([line], to: path)
    }

    /// Appends lines durably with one write and one fsync.
    public static func appendLines(_ lines: [String], to path: String) throws(WriteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(path: path, reason: errnoText()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        for line in lines {
            bytes.append(contentsOf: line.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, bytes.count) }
        guard n == bytes.count, fsync(fd) == 0 else { throw WriteError(path: path, reason: n < 0 ? errnoText() : "short write") }
    }

    static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
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

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
