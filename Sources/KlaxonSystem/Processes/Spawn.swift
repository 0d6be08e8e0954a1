import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls a script alert needs, in one place: a child started with
/// `posix_spawn` in a process group of its own, with exactly three descriptors
/// (its standard input, output and error) and nothing else inherited.
///
/// Foundation's `Process` is not used: it hands the child a descriptor of its own,
/// which a daemon the script left behind kept open, so the wait for the script never
/// ended (with the job's lock held); and it says nothing of what else a child inherits.
package enum Spawn {
    /// Starts `executable` with `arguments`, in `directory`, with `stdin`, `stdout` and
    /// `stderr` as its descriptors 0, 1 and 2. Returns the child's pid, which is also
    /// its process group id, or the `errno` of the failure.
    package static func start(executable: String, arguments: [String], environment: [String: String], directory: String,
                      stdin: Int32, stdout: Int32, stderr: Int32) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        // These return the error number rather than setting errno.
        let initialised = posix_spawn_file_actions_init(&actions)
        guard initialised == 0 else { return .failure(SpawnError(initialised)) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        let attributesInitialised = posix_spawnattr_init(&attributes)
        guard attributesInitialised == 0 else { return .failure(SpawnError(attributesInitialised)) }
        defer { posix_spawnattr_destroy(&attributes) }

        var failed: Int32 = 0
        for (fd, target) in [(stdin, Int32(0)), (stdout, 1), (stderr, 2)] where failed == 0 {
            failed = posix_spawn_file_actions_adddup2(&actions, fd, target)
        }
        if failed == 0 { failed = addChdir(&actions, directory) }
        // Whatever else this process has open (the state folder's lock, journal, sockets)
        // stays here: a script, or a daemon it leaves behind, must not hold any of it.
        if failed == 0 { failed = addCloseFrom(&actions, 3) }
        guard failed == 0 else { return .failure(SpawnError(failed)) }

        var flags = Int32(POSIX_SPAWN_SETPGROUP) | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #endif
        posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        // Signals this process ignores (SIGPIPE) would stay ignored in the script.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { argv in
            withCStrings(envp) { envp in posix_spawn(&pid, executable, &actions, &attributes, argv, envp) }
        }
        return status == 0 ? .success(pid) : .failure(SpawnError(status))
    }

    /// A pipe whose both ends are closed on exec; `readEnd` does not block.
    package static func pipe() -> (readEnd: Int32, writeEnd: Int32)? {
        var fds: [Int32] = [-1, -1]
        #if os(Linux)
        guard let pipe2 = pipe2Function, pipe2(&fds, O_CLOEXEC) == 0 else { return nil }
        #else
        guard Darwin.pipe(&fds) == 0 else { return nil }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        #endif
        let (readEnd, writeEnd) = (aboveStandard(fds[0]), aboveStandard(fds[1]))
        _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        return (readEnd, writeEnd)
    }

    /// `fd` moved to 3 or above (close-on-exec). Run with its standard descriptors closed,
    /// Klaxon could get 0, 1 or 2 for a pipe, and the child's dup2 onto 0, 1 and 2 would
    /// then overwrite one with another.
    package static func aboveStandard(_ fd: Int32) -> Int32 {
        guard fd >= 0, fd <= 2 else { return fd }
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, 3)
        guard moved >= 0 else { return fd }
        close(fd)
        return moved
    }

    /// Whether `pid` has ended, without reaping it: while it is an unreaped zombie its
    /// pid, and so its process group id, cannot be reused, and the group can be killed safely.
    package static func hasEnded(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        let result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return result == 0 ? info.si_signo == SIGCHLD : errno != EINTR
    }

    package enum Status: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Reaps `pid`, waiting for it to end.
    package static func reap(_ pid: pid_t) -> Status {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(-1) }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which are macros Swift cannot import.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    package static func killGroup(_ pid: pid_t) {
        _ = kill(-pid, SIGKILL)
    }

    /// `strings` as the NULL-terminated array of C strings `argv` and `envp` are.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }

    #if os(Linux)
    // Declared by glibc only under _GNU_SOURCE, which Swift's Glibc module does not
    // define; looked up by name instead (glibc 2.29 and 2.34 have them).
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: type) }
    }

    private static let pipe2Function = symbol("pipe2", as: Pipe2.self)
    private static let addChdirFunction = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
    private static let addCloseFromFunction = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)

    private static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ directory: String) -> Int32 {
        // glibc before 2.29 cannot change the child's folder: said by name (SpawnError), not guessed around.
        guard let add = addChdirFunction else { return ENOSYS }
        return add(&actions, directory)
    }

    private static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32) -> Int32 {
        if let add = addCloseFromFunction { return add(&actions, fd) }
        // glibc before 2.34: close, one by one, what is open now at or above `fd`.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for descriptor in open.sorted() where descriptor >= fd {
            // The listing's own descriptor is closed by now; closing a closed one in the child is harmless to glibc.
            let added = posix_spawn_file_actions_addclose(&actions, descriptor)
            if added != 0 { return added }
        }
        return 0
    }
    #else
    private static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ directory: String) -> Int32 {
        posix_spawn_file_actions_addchdir_np(&actions, directory)
    }

    /// POSIX_SPAWN_CLOEXEC_DEFAULT does this on Darwin.
    private static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32) -> Int32 { 0 }
    #endif
}

/// A C `errno` value, described as `strerror` does.
package struct SpawnError: Error, Equatable {
    package var code: Int32
    package init(_ code: Int32) { self.code = code }
    package var description: String {
        code == ENOSYS
            ? "this system's C library cannot start a program in another folder (posix_spawn_file_actions_addchdir_np needs glibc 2.29 or later)"
            : String(cString: strerror(code))
    }
}
