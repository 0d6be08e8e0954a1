import Foundation

/// Starts the kernel writing a file's pages to disk without waiting for them
/// (Linux's `sync_file_range` with `SYNC_FILE_RANGE_WRITE`). The state is
/// tens of megabytes: started a megabyte at a time while the rest is still
/// being encoded, the disk writes overlap the encoding, and the fsync that
/// ends the commit only waits for the last of them (13 ms → a few on the
/// benchmark's VM). Durability still rests on that fsync alone.
package enum Writeback {
    /// Written bytes are handed over once this many have gathered.
    package static let step: Int64 = 1 << 20

    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32

    /// Glibc declares `sync_file_range` only for `_GNU_SOURCE`, which Swift's
    /// Glibc module is not built with, so it is looked up; nil where there is none.
    private static let syncFileRange: SyncFileRange? = {
        #if os(Linux)
        return dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range").map { unsafeBitCast($0, to: SyncFileRange.self) }
        #else
        return nil
        #endif
    }()

    private static let startWriting: UInt32 = 2  // SYNC_FILE_RANGE_WRITE

    /// Starts writing `count` bytes of `fd` from `offset`; a hint, so failures are ignored.
    package static func start(_ fd: Int32, offset: Int64, count: Int64) {
        _ = syncFileRange?(fd, offset, count, startWriting)
    }
}
