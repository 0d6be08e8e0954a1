import Foundation

/// The job's lock: an flock on `STATE/lock`, released by the kernel however
/// the process ends, so a killed run never leaves a stale lock behind.
public final class RunLock {
    private let fd: Int32

    /// Why the lock was not taken: another process holds it, or the file could not be made.
    public enum Failure: Error {
        case held(path: String)
        case unusable(String)
    }

    /// Takes the lock on `folder/lock`, or fails at once if another process holds it.
    public init(folder: String) throws(Failure) {
        do { try AtomicFile.createFolder(folder) } catch { throw .unusable(error.description) }
        let path = folder + "/lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unusable("cannot open the lock \(path): \(AtomicFile.errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .held(path: path)
        }
        self.fd = fd
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
