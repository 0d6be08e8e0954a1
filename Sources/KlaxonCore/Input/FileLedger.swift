/// The record of every file taken from the drop folders, so that a file is
/// never counted twice (SPEC §3).
public struct FileLedger: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable {
        /// Read and folded (rows may have been rejected one by one).
        case taken
        /// A balance file that a newer snapshot made irrelevant before it was read.
        case superseded
        /// Could not be parsed at all; a corrected file under this name is read again.
        case rejected
    }

    public struct Entry: Sendable, Codable, Equatable {
        public var size: Int64
        public var modified: Double
        public var digest: String
        public var outcome: Outcome
        /// The run (`now`) that took it.
        public var takenAt: Int64
    }

    /// "input/name" → entry.
    public var entries: [String: Entry] = [:]

    public init() {}

    public static func key(input: String, name: String) -> String { input + "/" + name }

    /// The key of an entry with this digest under another name, if any: the same export dropped twice.
    /// Compares ledger digests only; `keyWithContent` also matches entries of the older format.
    public func keyWithDigest(_ digest: String, input: String) -> String? {
        entries.first { $0.key.hasPrefix(input + "/") && $0.value.digest == digest && $0.value.outcome == .taken }?.key
    }

    // Digest formats. Entries written before `BlockDigest` hold a `ContentDigest`
    // (16 hex digits); newer ones "b1:" and 16 hex digits. Both stay valid: a
    // comparison with an older entry computes the older digest of the file, and
    // only for an entry of the file's size (a digest covers the length, so
    // another size is other content). An older entry found to match is rewritten
    // with the file's new digest, so the file is not digested twice again.

    /// The key of a taken entry of this input with the content of `file`, whose
    /// (current format) digest is `digest`: the same export dropped twice.
    public func keyWithContent(_ digest: String, of file: DropFile, input: String) throws(KlaxonError) -> String? {
        if let key = keyWithDigest(digest, input: input) { return key }
        let older = entries.filter {
            $0.key.hasPrefix(input + "/") && $0.value.outcome == .taken && $0.value.size == file.size && !BlockDigest.isCurrent($0.value.digest)
        }
        guard !older.isEmpty else { return nil }
        let legacy = try DropFolder.legacyDigest(of: file.path, identity: file.identity)
        return older.keys.sorted().first { older[$0]?.digest == legacy }
    }

    /// Whether the entry under `key` recorded the content `file` has now, whose
    /// (current format) digest is `digest`. An older entry that matches is
    /// rewritten with `digest`.
    public mutating func entry(_ key: String, hasContentOf file: DropFile, digest: String) throws(KlaxonError) -> Bool {
        guard let entry = entries[key] else { return false }
        if BlockDigest.isCurrent(entry.digest) { return entry.digest == digest }
        guard entry.size == file.size, try DropFolder.legacyDigest(of: file.path, identity: file.identity) == entry.digest else { return false }
        entries[key]?.digest = digest
        return true
    }
}
