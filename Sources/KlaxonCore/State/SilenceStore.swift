import Foundation
import KlaxonSystem

/// `STATE/silences.json`: the operator's silences, a file of their own so that
/// `klaxon silence` never rewrites the run's state. Changed only under the
/// job's lock, written atomically.
public struct SilenceStore: Sendable {
    public let directory: String
    public var file: String { directory + "/silences.json" }

    public init(directory: String) { self.directory = directory }
    public init(job: Job) { self.init(directory: job.stateDirectory) }

    /// The silences; none when the job has never had one. An unreadable or corrupt
    /// file stops the caller (exit 3): running as if nothing were silenced would
    /// page everyone an operator had just quietened.
    public func load() throws(KlaxonError) -> SilenceList {
        guard FileManager.default.fileExists(atPath: file) else { return SilenceList() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw KlaxonError(.state, "cannot read \(file): \(AtomicFile.errnoText())")
        }
        do {
            return try JSONDecoder().decode(SilenceList.self, from: data)
        } catch {
            throw KlaxonError(.state, "\(file) is corrupt (\(error)); nothing was changed. Fix it by hand, or remove it to drop every silence")
        }
    }

    /// Loads, changes and writes the silences under the job's lock. A run holds the lock
    /// for seconds to minutes: waiting `wait` for it (said on stderr through `waiting`)
    /// lands the silence for the next run, where failing at once would make the operator
    /// retry by hand; past `wait` it fails as locked (exit 75).
    public func update<T>(wait: TimeSpan, now: Int64, waiting: () -> Void = {},
                          _ change: (inout SilenceList) throws(KlaxonError) -> T) throws(KlaxonError) -> T {
        let lock = try Self.lock(directory, wait: wait, waiting: waiting)
        defer { withExtendedLifetime(lock) {} }
        var list = try load()
        list.forgetOld(now: now)
        let result = try change(&list)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            let data = try encoder.encode(list)
            try AtomicFile.write(String(decoding: data, as: UTF8.self) + "\n", to: file)
        } catch let error as AtomicFile.WriteError {
            throw KlaxonError(.state, "the silences could not be written: \(error.description); they are as they were")
        } catch {
            throw KlaxonError(.state, "the silences could not be encoded: \(error)")
        }
        return result
    }

    static func lock(_ directory: String, wait: TimeSpan, waiting: () -> Void) throws(KlaxonError) -> RunLock {
        let deadline = Date().addingTimeInterval(TimeInterval(wait.seconds))
        var said = false
        while true {
            do throws(KlaxonError) {
                return try RunLock(stateDirectory: directory)
            } catch where error.kind == .locked && Date() < deadline {
                if !said { waiting(); said = true }
                FileSystem.pause(milliseconds: 200)
            }
        }
    }
}
