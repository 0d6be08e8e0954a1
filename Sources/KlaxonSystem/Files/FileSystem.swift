import Foundation

/// The single calls on paths that the domain needs besides reading and atomic
/// writing: each answers in Swift values, and the caller names the path in its
/// own sentence.
package enum FileSystem {
    /// What a path is, as `stat(2)` follows it.
    package enum Entry {
        case regularFile(size: Int64)
        case other
    }

    /// Why a path could not be looked at: its `errno`.
    package struct Failure: Error {
        package let code: Int32
        package var isMissing: Bool { code == ENOENT }
        package var text: String { String(cString: strerror(code)) }
    }

    package static func entry(at path: String) -> Result<Entry, Failure> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Failure(code: errno)) }
        return .success((info.st_mode & S_IFMT) == S_IFREG ? .regularFile(size: Int64(info.st_size)) : .other)
    }

    /// Whether this process may read the path (its real user, as cron runs it).
    package static func isReadable(_ path: String) -> Bool { access(path, R_OK) == 0 }

    /// Removes a file; a file already gone is what the caller wanted, so nothing is said.
    package static func remove(_ path: String) { unlink(path) }

    /// Sleeps the calling thread, for the waits between tries of a lock.
    package static func pause(milliseconds: Int) { usleep(useconds_t(milliseconds * 1_000)) }
}
