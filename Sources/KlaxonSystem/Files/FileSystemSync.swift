import Foundation

/// One flush of a whole file system, for `--deliver-to`'s batch: the run's files
/// are written without an fsync each and made durable together.
package enum FileSystemSync {
    /// Whether `syncfs` reports a failed write-back of the files it flushed: Linux does since
    /// 5.8; before, it returned 0 all the same, and `sync(2)` never reports anything. Without
    /// it each file is fsync'd as it is written, as before the one sync per batch.
    package static let reportsErrors: Bool = {
        guard syncFS != nil,
              let release = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8) else { return false }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return false }
        return (numbers[0], numbers[1]) >= (5, 8)
    }()

    /// `syncfs(2)`; where there is none, `sync(2)`, which cannot fail.
    package static let syncFileSystem: @Sendable (Int32) -> Int32 = { fd in
        guard let syncfs = syncFS else {
            sync()
            return 0
        }
        return syncfs(fd)
    }

    private typealias SyncFS = @convention(c) (Int32) -> Int32

    /// Glibc declares `syncfs` only for `_GNU_SOURCE` (as `sync_file_range`, see `Writeback`), so it is looked up.
    private static let syncFS: SyncFS? = {
        #if os(Linux)
        return dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs").map { unsafeBitCast($0, to: SyncFS.self) }
        #else
        return nil
        #endif
    }()
}
