import Foundation
import KlaxonSystem

/// Reads and commits a job's state directory (behaviour.md "State and durability").
public struct StateStore: Sendable {
    public let directory: String
    public var stateFile: String { directory + "/state" }
    public var backupFile: String { directory + "/state.bak" }
    /// Delivery outcomes since the last commit, one line each (see `DeliveryJournal`).
    public var journalFile: String { directory + "/delivery.journal" }
    public var reportsDirectory: String { directory + "/reports" }

    /// The job file, when known: the corrupt-state advice names the command to run on it.
    public var jobFile: String?

    public init(directory: String, jobFile: String? = nil) {
        self.directory = directory
        self.jobFile = jobFile
    }

    public init(job: Job) { self.init(directory: job.stateDirectory, jobFile: job.file) }

    /// The committed state; a fresh one only when the job has never committed.
    /// A corrupt or unreadable file stops the run: replacing it with an empty
    /// state would forget every ledger entry and re-count every CDR.
    public func load() throws(KlaxonError) -> KlaxonState {
        guard FileManager.default.fileExists(atPath: stateFile) else {
            if FileManager.default.fileExists(atPath: backupFile) {
                throw KlaxonError(.state, "\(stateFile) is missing but \(backupFile) exists: the state was removed by hand. Restore it with `cp \(backupFile) \(stateFile)`, or remove the whole folder to start over (every file would be counted again)")
            }
            return KlaxonState()
        }
        return try decode(stateFile)
    }

    /// The previous commit, `state.bak`, read without changing anything: what
    /// `klaxon status --backup` shows before an operator restores it.
    public func loadBackup() throws(KlaxonError) -> KlaxonState {
        guard FileManager.default.fileExists(atPath: backupFile) else {
            throw KlaxonError(.state, "\(backupFile) does not exist: the job has committed at most once, so there is no previous version")
        }
        return try decode(backupFile)
    }

    private func decode(_ path: String) throws(KlaxonError) -> KlaxonState {
        guard let bytes = Self.readWhole(path) else {
            throw KlaxonError(.state, "cannot read \(path): \(AtomicFile.errnoText())")
        }
        do throws(StateFile.DecodeError) {
            return try StateFile.decode(bytes)
        } catch {
            switch error {
            case .newerVersion(let version):
                throw KlaxonError(.state, "\(path) was written by a newer Klaxon (state format \(version); this one reads up to \(KlaxonState.formatVersion)). Run the newer klaxon, or restore a backup made by this version")
            case .corrupt(let reason) where path == backupFile:
                throw KlaxonError(.state, "\(path) is corrupt too: \(reason). Nothing was changed")
            case .olderVersion(let version):
                throw KlaxonError(.state, "\(path) is in state format \(version), from a development build before the first release; this Klaxon reads formats \(StateFile.oldestReadableVersion) to \(KlaxonState.formatVersion) only. Move the state folder aside and run again to start afresh (every file in the drop folders is then counted again)")
            case .corrupt(let reason):
                throw KlaxonError(.state, "\(path) is corrupt: \(reason). Nothing was changed. \(restoreAdvice)")
            }
        }
    }

    /// Commands that work as written: `status --backup` reads the backup without
    /// touching anything, and the corrupt file is moved aside, not overwritten.
    var restoreAdvice: String {
        let inspect = "`klaxon status \(Self.shellQuoted(jobFile ?? "JOB")) --backup`"
        let state = Self.shellQuoted(stateFile), backup = Self.shellQuoted(backupFile)
        let corrupt = Self.shellQuoted(stateFile + ".corrupt")
        return "The previous commit (one run older) is \(backupFile). "
            + "Inspect it with \(inspect); if it looks right, set the corrupt file aside and restore the backup with "
            + "`mv \(state) \(corrupt) && cp -p \(backup) \(state)`, then run the job again"
    }

    /// A path as a POSIX shell reads it back: bare when it holds only safe characters.
    static func shellQuoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+:@%,=")
        if !text.isEmpty, text.allSatisfy(safe.contains) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A file's bytes, read straight into one array (the state runs to tens of megabytes).
    private static func readWhole(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        // Not zero-filled first: `read` is the first touch of every page.
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(info.st_size)) { buffer, initialized in
            var offset = 0
            while offset < buffer.count {
                let n = read(fd, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                guard n > 0 else { break }
                offset += n
            }
            initialized = offset
        }
        return failed ? nil : bytes
    }

    /// The committed state with the delivery outcomes recorded since its commit applied:
    /// what `status` shows and what a run starts from.
    public func loadCurrent() throws(KlaxonError) -> KlaxonState {
        var state = try load()
        DeliveryJournal(path: journalFile).apply(to: &state.meta.outbox)
        return state
    }

    /// Commits `state` atomically, keeping the previous version as the backup.
    /// Returns warnings about the backup (the commit itself succeeded).
    @discardableResult
    public func save(_ state: KlaxonState) throws(KlaxonError) -> [String] {
        do {
            try AtomicFile.createFolder(directory)
            // A run killed mid-commit leaves its temporary file behind; the lock makes this run the only writer.
            AtomicFile.removeStaleTemporaries(in: directory)
            let head = try StateFile.encodeHeadParts(state)
            return try AtomicFile.write(to: stateFile, keepingBackupAt: backupFile) { (out) throws(AtomicFile.WriteError) in
                try StateFile.write(head: head, buckets: state.buckets, image: state.image, into: &out)
            }
        } catch let error as AtomicFile.WriteError {
            throw KlaxonError(.state, "the state could not be committed: \(error.description); the previous state is intact")
        } catch {
            throw KlaxonError(.state, "the state could not be encoded: \(error)")
        }
    }
}
