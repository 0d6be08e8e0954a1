import Foundation
import KlaxonSystem

/// Delivery outcomes recorded after the run's commit, one line each, appended
/// in batches with one fsync per batch, so recording a success never rewrites
/// the whole state. The next load folds
/// the journal into the outbox and the next commit makes it redundant.
/// Lines carry absolute values, so applying one twice changes nothing.
public struct DeliveryJournal: Sendable {
    public let path: String

    public enum Entry: Equatable, Sendable {
        case delivered(id: String)
        case failed(id: String, attempts: Int, nextAttempt: Int64, error: String)
        case dead(id: String, attempts: Int, error: String)
    }

    public init(path: String) { self.path = path }

    public func append(_ entry: Entry) throws(AtomicFile.WriteError) {
        try AtomicFile.appendLine(Self.encode(entry), to: path)
    }

    /// Appends `entries` durably with one write and one fsync.
    public func append(contentsOf entries: [Entry]) throws(AtomicFile.WriteError) {
        guard !entries.isEmpty else { return }
        try AtomicFile.appendLines(entries.map(Self.encode), to: path)
    }

    static func encode(_ entry: Entry) -> String {
        let clean = { (s: String) in s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\t", with: " ") }
        switch entry {
        case .delivered(let id): return "delivered\t\(id)"
        case .failed(let id, let attempts, let next, let error): return "failed\t\(id)\t\(attempts)\t\(next)\t\(clean(error))"
        case .dead(let id, let attempts, let error): return "dead\t\(id)\t\(attempts)\t\(clean(error))"
        }
    }

    /// Reads every complete line; a torn last line (a kill mid-append) is ignored.
    public func entries() -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var result: [Entry] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch (f.first, f.count) {
            case ("delivered", 2): result.append(.delivered(id: f[1]))
            case ("failed", 5): if let a = Int(f[2]), let n = Int64(f[3]) { result.append(.failed(id: f[1], attempts: a, nextAttempt: n, error: f[4])) }
            case ("dead", 4): if let a = Int(f[2]) { result.append(.dead(id: f[1], attempts: a, error: f[3])) }
            default: continue
            }
        }
        return result
    }

    /// Applies the journal to an outbox: delivered items leave it, failures update it.
    public func apply(to outbox: inout [OutboxItem]) {
        let journal = entries()
        guard !journal.isEmpty else { return }
        // One pass with an index: a run that sent thousands of messages must not cost thousands² steps.
        var position: [String: Int] = [:]
        for (i, item) in outbox.enumerated() { position[item.id] = i }
        var delivered: Set<String> = []
        for entry in journal {
            switch entry {
            case .delivered(let id):
                delivered.insert(id)
            case .failed(let id, let attempts, let next, let error):
                if let i = position[id] {
                    outbox[i].attempts = attempts
                    outbox[i].nextAttempt = next
                    outbox[i].lastError = error
                }
            case .dead(let id, let attempts, let error):
                if let i = position[id] {
                    outbox[i].attempts = attempts
                    outbox[i].dead = true
                    outbox[i].lastError = error
                }
            }
        }
        if !delivered.isEmpty { outbox.removeAll { delivered.contains($0.id) } }
    }

    /// Empties the journal once a commit holds everything it said.
    public func clear() {
        FileSystem.remove(path)
        AtomicFile.syncFolder(of: path)
    }
}
