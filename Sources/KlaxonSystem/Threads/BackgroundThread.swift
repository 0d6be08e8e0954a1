import Foundation

/// Work started at once on a thread of its own; `wait()` returns its result.
/// For the few coarse tasks of reading one big file: a thread per task, so
/// that no pool sized to the cores can run them one after another.
package final class BackgroundThread<Result: Sendable>: @unchecked Sendable {
    // Written once by the thread before `done` is signalled, read only after `wait`
    // has seen the signal: the semaphore orders the two.
    private var result: Result?
    private let done = DispatchSemaphore(value: 0)

    package init(_ work: @escaping @Sendable () -> Result) {
        let thread = Thread { [self] in
            result = work()
            done.signal()
        }
        thread.start()
    }

    package func wait() -> Result {
        done.wait()
        guard let result else { preconditionFailure("a background thread finished without a result") }
        return result
    }
}
