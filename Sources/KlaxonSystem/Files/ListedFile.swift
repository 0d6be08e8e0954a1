import Foundation

/// Which file a listing saw: a drop file is read only if the name still leads to it.
public struct FileIdentity: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64

    package init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// A listed file that can no longer be read as listed.
public struct ListedFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// errno of a failed `open`; nil when the name now leads to another file.
    public let code: Int32?

    public var description: String {
        guard let code else { return "\(path) is no longer the regular file that was listed (replaced by a pipe, a device or another file)" }
        return "cannot open \(path): \(String(cString: strerror(code)))"
    }
}

package enum ListedFile {
    /// Opens `path` for reading without blocking: a FIFO swapped in after the listing
    /// would hold `open` until a writer came. With `identity`, the descriptor must be
    /// the regular file listed (same device and inode), checked with `fstat` on it.
    package static func open(_ path: String, identity: FileIdentity?) throws(ListedFileError) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ListedFileError(path: path, code: errno) }
        guard let identity else { return fd }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, FileIdentity(info) == identity else {
            close(fd)
            throw ListedFileError(path: path, code: nil)
        }
        // Regular files ignore O_NONBLOCK; cleared all the same, so reads never return EAGAIN.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }
}
