import Foundation
import KlaxonSystem

/// A run's `--deliver-to`: every file is written to its temporary name with no
/// fsync of its own; `settle` syncs the folder's file system once, then renames
/// the temporaries into place and syncs the folder, and only then may the
/// journal say they were delivered. One fsync per file and one of the folder
/// per file took 1.27 s for 1,476 messages; a file system sync is one journal
/// commit of the disk for all of them.
///
/// A name only ever points to synced bytes: a crash before the sync leaves
/// temporaries (removed by the next run, which writes those messages again),
/// a crash between the renames and the folder's sync leaves whole files that
/// the next run writes again under the same names, the same bytes.
final class FileBatch: DeliverySession {
    private let sink: FileSink
    /// The folder, open from before the first write: `syncfs` reports the write-back
    /// errors met since the descriptor was opened.
    private var folder: Int32 = -1
    private var staged: [(id: String, temporary: String, path: String)] = []

    init(sink: FileSink) { self.sink = sink }

    deinit {
        // Whatever was never settled (a run that stopped early) must not stay behind as temporaries.
        for file in staged { unlink(file.temporary) }
        if folder >= 0 { close(folder) }
    }

    var settleEvery: Int? { nil }

    func deliver(_ item: OutboxItem) throws(SendFailure) {
        guard let (name, content) = sink.file(for: item) else { return }
        let path = (sink.directory as NSString).appendingPathComponent(name)
        do throws(AtomicFile.WriteError) {
            try openFolder()
            let existing = try AtomicFile.refuseLink(at: path)
            let temporary = AtomicFile.temporaryName(for: path)
            let fd = try AtomicFile.createTemporary(temporary)
            if let existing { AtomicFile.keepAttributes(of: existing, on: fd) }
            var output = AtomicFile.Output(fd: fd, path: path)
            var open = true
            do throws(AtomicFile.WriteError) {
                try output.write(Array(content.utf8))
                // Where the one sync at the end cannot say that a write-back failed, each file says it.
                if !FileSystemSync.reportsErrors, fsync(fd) != 0 { throw AtomicFile.WriteError(path: path, reason: AtomicFile.errnoText()) }
                open = false
                if close(fd) != 0 { throw AtomicFile.WriteError(path: path, reason: AtomicFile.errnoText()) }
            } catch {
                if open { close(fd) }
                unlink(temporary)
                throw error
            }
            staged.append((item.id, temporary, path))
        } catch {
            throw SendFailure(error.description)
        }
    }

    func settle() -> [String: SendFailure] {
        guard !staged.isEmpty else { return [:] }
        let files = staged
        staged.removeAll()
        var failed: [String: SendFailure] = [:]
        guard sink.sync(folder) == 0 else {
            let failure = SendFailure("cannot sync the folder \(sink.directory) to disk: \(AtomicFile.errnoText()); the file is written again by the next attempt")
            for file in files {
                unlink(file.temporary)
                failed[file.id] = failure
            }
            return failed
        }
        var placed: [String] = []
        for file in files {
            if rename(file.temporary, file.path) == 0 {
                placed.append(file.id)
            } else {
                failed[file.id] = SendFailure(AtomicFile.WriteError(path: file.path, reason: AtomicFile.errnoText()).description)
                unlink(file.temporary)
            }
        }
        if !placed.isEmpty, fsync(folder) != 0 {
            let failure = SendFailure("cannot sync the folder \(sink.directory) to disk: \(AtomicFile.errnoText()); the file is written again by the next attempt")
            for id in placed { failed[id] = failure }
        }
        return failed
    }

    private func openFolder() throws(AtomicFile.WriteError) {
        guard folder < 0 else { return }
        let directory = sink.directory.isEmpty ? "." : sink.directory
        if access(directory, F_OK) != 0 { try AtomicFile.createFolder(directory) }
        // A run killed before its sync left temporaries; their messages are still in the outbox.
        AtomicFile.removeStaleTemporaries(in: directory)
        folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw AtomicFile.WriteError(path: directory, reason: AtomicFile.errnoText()) }
    }
}
