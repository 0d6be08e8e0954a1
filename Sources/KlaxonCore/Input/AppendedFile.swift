import Foundation
import KlaxonEngine
import KlaxonSystem

/// Where a run starts reading a file in append mode (behaviour.md "Feed health and live files"), decided from its ledger entry.
enum AppendStart {
    /// Never read (or read whole and rejected): from its first byte.
    case fresh
    /// Same size and modification time as when last read: nothing new.
    case unchanged
    /// The bytes already read are still there, unchanged: from `offset`, after `lines` lines.
    /// `prefix` is the digest of those bytes, to go on with.
    case resume(offset: Int, lines: Int, prefix: BlockDigest)
    /// The bytes already read are not there any more (rotated, truncated, rewritten):
    /// read again as a new file from its first byte; `reason` says why, for the notice.
    case restart(reason: String)
}

/// The ledger's view of a file the switch keeps appending to: how far it was read,
/// and whether the bytes before that point are still the ones that were read.
enum AppendedFile {
    static func start(of file: DropFile, entry: FileLedger.Entry?) throws(KlaxonError) -> AppendStart {
        guard let entry else { return .fresh }
        if entry.size == file.size && entry.modified == file.modified { return .unchanged }
        // An entry of a file taken whole (the input was switched to append mode) was read to its size.
        guard entry.offset != nil || entry.outcome == .taken else { return .fresh }
        let offset = entry.offset ?? entry.size
        if file.size < offset {
            return .restart(reason: "it is now \(file.size) bytes, shorter than the \(offset) already read (rotated or truncated)")
        }
        let prefix = try digest(of: file, length: Int(offset))
        guard prefix.end == Int(offset), prefix.finalize() == entry.digest else {
            return .restart(reason: "its first \(offset) bytes, already read, changed (rotated or rewritten)")
        }
        return .resume(offset: Int(offset), lines: entry.lines ?? 0, prefix: prefix)
    }

    /// For a name the ledger does not know: the entry of another live file whose bytes read so
    /// far are this file's first bytes — the same file renamed by a rotation, or a copy. Reading
    /// goes on from where that one stopped, so the lines already counted are not counted again.
    static func continued(_ file: DropFile, among entries: [(key: String, entry: FileLedger.Entry)]) throws(KlaxonError) -> (key: String, start: AppendStart)? {
        let candidates = entries.filter { ($0.entry.offset ?? 0) > 0 && ($0.entry.offset ?? 0) <= file.size && $0.entry.outcome == .taken }
            .sorted { ($0.entry.offset ?? 0) < ($1.entry.offset ?? 0) }
        // One pass over the file, the digest compared at each candidate's offset in turn.
        var digest = BlockDigest()
        for (key, entry) in candidates {
            let offset = Int(entry.offset ?? 0)
            digest = try self.digest(of: file, length: offset, continuing: digest)
            guard digest.end == offset else { return nil }
            if digest.finalize() == entry.digest {
                return (key, .resume(offset: offset, lines: entry.lines ?? 0, prefix: digest))
            }
        }
        return nil
    }

    /// The `BlockDigest` of the file's first `length` bytes, going on from `start` (a digest of the
    /// bytes before its `end`); short of `length` when the file is.
    static func digest(of file: DropFile, length: Int, continuing start: BlockDigest = BlockDigest()) throws(KlaxonError) -> BlockDigest {
        var digest = start
        try withDescriptor(file) { fd throws(KlaxonError) in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while digest.end < length {
                let want = min(buffer.count, length - digest.end)
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(digest.end)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw KlaxonError(.input, "\(file.path): read error (\(AtomicFile.errnoText()))")
                }
                if n == 0 { break }
                buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
        return digest
    }

    /// The offset just past the last line end in `from..<size`, or `from` when there is none:
    /// a last line without its line end is still being written and waits for the next run.
    static func completeEnd(of file: DropFile, from: Int) throws(KlaxonError) -> Int {
        var end = from
        try withDescriptor(file) { fd throws(KlaxonError) in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var upper = Int(file.size)
            while upper > from {
                let lower = max(from, upper - buffer.count)
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, upper - lower, off_t(lower)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw KlaxonError(.input, "\(file.path): read error (\(AtomicFile.errnoText()))")
                }
                // Shorter than listed: truncated meanwhile; the next run sees it as such.
                if n < upper - lower { return }
                if let i = buffer[0..<n].lastIndex(of: 0x0A) {
                    end = lower + i + 1
                    return
                }
                upper = lower
            }
        }
        return end
    }

    private static func withDescriptor(_ file: DropFile, _ body: (Int32) throws(KlaxonError) -> Void) throws(KlaxonError) {
        let fd: Int32
        do { fd = try ListedFile.open(file.path, identity: file.identity) } catch { throw KlaxonError(.input, error.description) }
        defer { close(fd) }
        try body(fd)
    }
}
