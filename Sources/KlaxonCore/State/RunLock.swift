import Foundation

/// The job's lock: an flock on `STATE/lock`, released by the kernel however
/// the process ends, so a killed run never leaves a stale lock behind.
public final class RunLock {
    private let fd: Int32

    /// Takes the lock, or fails at once if another run holds it.
    public init(stateDirectory: String) throws(KlaxonError) {
        do { try AtomicFile.createFolder(stateDirectory) } catch { throw KlaxonError(.state, error.description) }
        let path = stateDirectory + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KlaxonError(.state, "cannot open the lock \(path): \(AtomicFile.errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw KlaxonError(.locked, "another run of this job holds the lock \(path); exiting without touching anything")
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
