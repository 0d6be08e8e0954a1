import Foundation
import KlaxonSystem

/// Work cut into numbered chunks, run on this thread and, when worth it, a
/// second one: whichever thread gets to a chunk first runs it, so on a busy
/// machine, where the second thread may not get a core, this one simply does
/// more of them instead of waiting. The results come back in chunk order.
enum SharedWork {
    static func map<T: Sendable>(chunks count: Int, helped: Bool, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let shared = Shared<T>(count: count, body: body)
        let helper = helped && count > 1 ? BackgroundThread { shared.run() } : nil
        shared.run()
        helper?.wait()
        return shared.results()
    }

    private final class Shared<T: Sendable>: @unchecked Sendable {
        private let count: Int
        private let body: @Sendable (Int) -> T
        // Guarded by `lock`.
        private let lock = NSLock()
        private var next = 0
        private var slots: [T?]

        init(count: Int, body: @escaping @Sendable (Int) -> T) {
            self.count = count
            self.body = body
            slots = Array(repeating: nil, count: count)
        }

        /// Claims and runs chunks until none is left.
        func run() {
            while true {
                lock.lock()
                let k = next
                next += 1
                lock.unlock()
                guard k < count else { return }
                let result = body(k)
                lock.lock()
                slots[k] = result
                lock.unlock()
            }
        }

        /// Every chunk's result; called once both threads are done.
        func results() -> [T] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
