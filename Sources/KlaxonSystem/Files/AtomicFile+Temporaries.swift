import Foundation

/// The temporary files, links and backups behind `AtomicFile.write`.
///
/// A temporary is `NAME.klaxon-tmp-PID` (the backup's hard link adds `.link`):
/// the marker tells Klaxon's own leftovers from other programs' files in a
/// shared folder, and the PID tells a dead writer's from a live one's.
extension AtomicFile {
    package static let temporaryMarker = ".klaxon-tmp-"
    package static let linkSuffix = ".link"
    package static let linkRefusal = "it is a symbolic link, and Klaxon never writes through links; point the setting at the real file"

    package static func temporaryName(for path: String, pid: Int32 = getpid()) -> String {
        path + temporaryMarker + String(pid)
    }

    /// The file at `path` as it is now (nil when there is none); a symbolic link is refused.
    package static func refuseLink(at path: String) throws(WriteError) -> stat? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFLNK { throw WriteError(path: path, reason: linkRefusal) }
        return info
    }

    /// Creates `temporary` afresh. O_EXCL with O_NOFOLLOW: a file or link planted at the
    /// name makes the open fail instead of being written through; it is then removed
    /// (unlink removes a link, never what it points to) and the open tried once more.
    package static func createTemporary(_ temporary: String) throws(WriteError) -> Int32 {
        for _ in 0..<2 {
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { return fd }
            guard errno == EEXIST else { throw WriteError(path: temporary, reason: errnoText()) }
            unlink(temporary)
        }
        throw WriteError(path: temporary, reason: "something else keeps creating this name; is another program writing into this folder?")
    }

    /// The replaced file's permission bits, and its owner when this user may set it
    /// (root writing a file that the switch's user reads).
    package static func keepAttributes(of existing: stat, on fd: Int32) {
        guard (existing.st_mode & S_IFMT) == S_IFREG else { return }
        _ = fchmod(fd, existing.st_mode & 0o777)
        if existing.st_uid != geteuid() || existing.st_gid != getegid() {
            _ = fchown(fd, existing.st_uid, existing.st_gid)
        }
    }

    /// Makes `backup` the current content of `path` before it is replaced. A hard link
    /// keeps `path` in place the whole time (there is no instant without a state
    /// file); where links fail (a file system without them, a name in the way) the
    /// file is copied instead, and only when that fails too is the backup left
    /// behind, with a warning: a backup one version older than the operator thinks
    /// would count files twice if restored.
    package static func keepBackup(of path: String, at backup: String) -> [String] {
        let linkName = temporaryName(for: backup) + linkSuffix
        unlink(linkName)
        if link(path, linkName) == 0 {
            if rename(linkName, backup) == 0 {
                // When `backup` is already a link to the same file (a run killed between
                // this and its commit's rename), rename(2) succeeds and leaves `linkName`.
                unlink(linkName)
                return []
            }
            unlink(linkName)
        }
        let linkError = errnoText()
        do throws(WriteError) {
            try copy(path, to: backup)
            return []
        } catch {
            return ["\(backup) could not be updated (link: \(linkError); copy: \(error.reason)); it still holds an older version than the one just replaced, so do not restore it without checking"]
        }
    }

    /// Copies `source` to `destination` atomically, a megabyte at a time.
    package static func copy(_ source: String, to destination: String) throws(WriteError) {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw WriteError(path: source, reason: errnoText()) }
        defer { close(input) }
        try write(to: destination) { (out) throws(WriteError) in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n < 0 { throw WriteError(path: source, reason: errnoText()) }
                if n == 0 { return }
                try out.write(Array(buffer[0..<n]))
            }
        }
    }

    /// Removes the temporaries that a Klaxon killed mid-write left in `folder`:
    /// only names with Klaxon's marker (of one of `names`, when given), owned by this
    /// user, of processes that no longer exist, so neither another program's file
    /// nor a concurrent writer's is ever pulled away.
    public static func removeStaleTemporaries(in folder: String, of names: Set<String>? = nil) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries {
            guard let (name, pid) = parseTemporary(entry), pid != getpid(), names?.contains(name) ?? true else { continue }
            let path = (folder as NSString).appendingPathComponent(entry)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_uid == geteuid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(path) }
        }
    }

    /// The file name and writer PID of a Klaxon temporary, or nil for any other name.
    package static func parseTemporary(_ entry: String) -> (name: String, pid: Int32)? {
        guard let marker = entry.range(of: temporaryMarker, options: .backwards) else { return nil }
        var tail = entry[marker.upperBound...]
        if tail.hasSuffix(linkSuffix) { tail = tail.dropLast(linkSuffix.count) }
        guard !tail.isEmpty, tail.allSatisfy(\.isASCIIDigit), let pid = Int32(tail), pid > 0 else { return nil }
        return (String(entry[..<marker.lowerBound]), pid)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
