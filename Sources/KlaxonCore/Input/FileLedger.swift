/// The record of every file taken from the drop folders, so that a file is
/// never counted twice (behaviour.md "Inputs").
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
        /// Append mode: the bytes read so far (up to the end of a complete line); `digest` is
        /// of those bytes alone. Nil for a file taken whole.
        public var offset: Int64? = nil
        /// Append mode: the lines before `offset`, so rejections keep their line numbers.
        public var lines: Int? = nil
    }

    /// "input/name" → entry.
    public var entries: [String: Entry] = [:]

    public init() {}

    public static func key(input: String, name: String) -> String { input + "/" + name }

    /// The key of a taken entry of this input with this digest: the same export dropped twice
    /// under another name.
    public func keyWithDigest(_ digest: String, input: String) -> String? {
        entries.first { $0.key.hasPrefix(input + "/") && $0.value.digest == digest && $0.value.outcome == .taken }?.key
    }

    /// Whether the entry under `key` recorded the content whose digest is `digest`.
    public func entry(_ key: String, hasDigest digest: String) -> Bool {
        entries[key]?.digest == digest
    }
}
