import Foundation
import KlaxonEngine
import KlaxonSystem

/// A file found in a drop folder that is settled enough to take.
public struct DropFile: Sendable, Equatable {
    public var name: String
    public var path: String
    public var size: Int64
    public var modified: Double
    /// What the listing saw at `path`; nil (unchecked) for files not from a listing.
    public var identity: FileIdentity? = nil
}

/// Lists a drop folder's settled files (behaviour.md "Inputs").
public enum DropFolder {
    /// Names that writers use while a file is still being written.
    static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") || [".tmp", ".part", ".partial"].contains { name.hasSuffix($0) }
    }

    public struct Listing: Sendable {
        public var settled: [DropFile] = []
        /// Files left for a later run, with the reason (too recent, a folder).
        public var skipped: [(name: String, reason: String)] = []
        /// Files that will never be taken, with the reason: a link pointing outside the
        /// folder, a device or a pipe. Unlike `skipped`, an operator has to act on these.
        public var refused: [(name: String, reason: String)] = []
    }

    /// Settled files in name order. `wallClock` is the real time, whatever `--now` says:
    /// settling is about the writer, not about the evaluation instant.
    public static func list(_ input: InputSettings, wallClock: Date) throws(KlaxonError) -> Listing {
        var listing = Listing()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input.path, isDirectory: &isFolder) else {
            throw KlaxonError(.input, "\(input.path): the input folder does not exist")
        }
        let folder: String
        let names: [String]
        if isFolder.boolValue {
            folder = input.path
            let entries = try rawNames(in: folder)
            names = entries.names.sorted()
            for bytes in entries.undecodable {
                let lossy = String(decoding: bytes, as: UTF8.self)
                guard !isTemporaryName(lossy), Glob.matches(lossy, pattern: input.pattern) else { continue }
                listing.refused.append((escaped(bytes), "the file name is not UTF-8 text (shown with \\x escapes); not read — rename it"))
            }
        } else {
            folder = (input.path as NSString).deletingLastPathComponent
            names = [(input.path as NSString).lastPathComponent]
        }
        let realFolder = canonicalPath(folder) ?? folder
        for name in names where !isTemporaryName(name) && (isFolder.boolValue == false || Glob.matches(name, pattern: input.pattern)) {
            var path = (folder as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFLNK {
                // A link may point anywhere; only one that stays inside the folder is followed.
                // realpath resolves every link and "..": comparing unresolved text let
                // "../../outside.csv" pass for a path inside the folder.
                guard let target = canonicalPath(path) else {
                    listing.refused.append((name, "a symbolic link that cannot be resolved (\(AtomicFile.errnoText())); not read"))
                    continue
                }
                guard target.hasPrefix(realFolder + "/"), stat(target, &info) == 0 else {
                    listing.refused.append((name, "a symbolic link pointing outside the drop folder, to \(target); not followed (copy the file in, or link within the folder)"))
                    continue
                }
                // Read what was checked: a link swapped after this listing cannot lead the reader out.
                path = target
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    listing.skipped.append((name, "a folder; not read"))
                } else {
                    listing.refused.append((name, "not a regular file (a device, pipe or socket); not read"))
                }
                continue
            }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            // An appended file is never still: its complete lines are what is settled (`AppendedFile`).
            if input.mode != .append, wallClock.timeIntervalSince1970 - modified < Double(input.settle.seconds) {
                listing.skipped.append((name, "modified less than \(input.settle) ago; taken once settled"))
                continue
            }
            listing.settled.append(DropFile(name: name, path: path, size: Int64(info.st_size), modified: modified, identity: FileIdentity(info)))
        }
        return listing
    }

    /// The folder's entries as the bytes the file system holds. Foundation's listing
    /// repairs a name that is not UTF-8 with U+FFFD, which then names no file at all:
    /// such files were passed over without a word.
    static func rawNames(in folder: String) throws(KlaxonError) -> (names: [String], undecodable: [[UInt8]]) {
        guard let dir = opendir(folder) else {
            throw KlaxonError(.input, "\(folder): cannot list the folder (\(AtomicFile.errnoText()))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        var undecodable: [[UInt8]] = []
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            if let name = String(validating: bytes, as: UTF8.self) { names.append(name) } else { undecodable.append(bytes) }
        }
        return (names, undecodable)
    }

    /// A name that is not UTF-8, printable: ASCII as it is, every other byte as `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
    }

    /// The absolute path with every symbolic link and `.`/`..` resolved; nil (errno set) for a loop or a missing target.
    static func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The ledger's digest of a whole file (`BlockDigest`, format b1), read in chunks.
    public static func digest(of path: String, identity: FileIdentity? = nil) throws(KlaxonError) -> String {
        var digest = BlockDigest()
        try readChunks(of: path, identity: identity) { digest.update($0) }
        // The length is what was read: a file that grows or shrinks meanwhile is caught by its reader's stat check.
        return digest.finalize()!
    }

    private static func readChunks(of path: String, identity: FileIdentity?, _ body: (UnsafeRawBufferPointer) -> Void) throws(KlaxonError) {
        let fd: Int32
        do { fd = try ListedFile.open(path, identity: identity) } catch { throw KlaxonError(.input, error.description) }
        defer { close(fd) }
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, capacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw KlaxonError(.input, "\(path): read error (\(AtomicFile.errnoText()))")
            }
            if n == 0 { break }
            body(UnsafeRawBufferPointer(start: buffer, count: n))
        }
    }
}
