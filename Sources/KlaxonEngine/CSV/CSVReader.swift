#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import KlaxonSystem

/// Streaming RFC 4180 reader for softswitch exports (CDRs, balance snapshots).
///
/// Reads the input in `chunkSize` pieces into one fixed buffer and lends each
/// record to a callback as byte views into that buffer: no per-row or per-field
/// allocation. Memory stays bounded by `chunkSize + maxRecordBytes` for the bytes
/// and `8 * maxRecordBytes` for field boundaries, whatever the input holds.
///
/// Dialect:
/// - fields are separated by `,`; a field that starts with `"` is quoted and may
///   contain `,`, CR, LF and doubled quotes (`""` reads as `"`);
/// - an unquoted field is taken literally, including any `"` or lone CR inside it;
/// - records end at LF or CRLF, or at the end of input; a CR not followed by LF
///   is data;
/// - a UTF-8 byte order mark at the very start is skipped;
/// - empty lines (nothing, or just CR, before the LF) are not records;
/// - headers are not interpreted: the first line is a record like any other.
///
/// Malformed records (unterminated quote at end of input, text after a closing
/// quote, a NUL byte, more than `maxRecordBytes` bytes) go to the `malformed`
/// callback and reading resumes with the next record.
///
/// Not thread-safe and single-pass: `read` consumes the input once.
public final class CSVReader {
    /// The file could not be opened; names the path and the system's reason.
    public struct OpenError: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let code: Int32
        package init(path: String, code: Int32) { self.path = path; self.code = code }
        public var description: String { "cannot open \(path): \(CSVReader.systemMessage(code))" }
    }

    /// A `read(2)` on the open file failed midway.
    public struct ReadError: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let code: Int32
        public var description: String { "cannot read \(path): \(CSVReader.systemMessage(code))" }
    }

    /// Path given to `init(path:)`, or `"<memory>"`; for messages.
    public let sourceName: String
    /// Bytes requested from the source per read.
    public let chunkSize: Int
    /// Longest accepted record, line terminator included.
    public let maxRecordBytes: Int
    /// Bytes taken from the source so far (BOM and skipped bytes included).
    public private(set) var bytesRead = 0
    /// File offset at which reading starts; a BOM is recognised only at offset 0.
    public let startOffset: Int
    /// When set, reading stops at the first record start at or after this file
    /// offset (see `stoppedAt`); used to read a file as two byte ranges.
    public var stopOffset: Int?
    /// Where reading stopped because of `stopOffset`: the record start's file
    /// offset and its 1-based line counted from `startOffset`. Nil when the input
    /// ended first.
    public private(set) var stoppedAt: (offset: Int, line: Int)?
    /// When set before `read`, the file's bytes from `digest.end` up to
    /// `digestEnd` (file offsets) are digested as they are taken from the
    /// source, so the digest is of bytes that were parsed. A digest starting
    /// before `startOffset` first reads the bytes in between for itself
    /// (`pread`), so that the pieces of a file read in ranges tile it.
    public var digest: BlockDigest?
    /// The file offset at which digesting stops; nil for the end of the input.
    public var digestEnd: Int?

    private enum Source {
        case file(Int32)
        case memory([UInt8])
    }

    private let source: Source
    private var memoryOffset = 0
    private let buffer: UnsafeMutablePointer<UInt8>
    /// Size of the one read buffer; exposed for tests that check memory stays bounded.
    package let bufferCapacity: Int
    private var fields: FieldSpans
    private var started = false

    /// Opens `path` for reading.
    /// - Parameters:
    ///   - chunkSize: bytes per `read(2)` call.
    ///   - maxRecordBytes: records longer than this (terminator included) are
    ///     reported as malformed and skipped up to the next LF without being buffered.
    /// - Throws: `OpenError` if the file cannot be opened or is a directory.
    ///   - offset: where to start in the file; the first record is taken to start there.
    ///   - identity: the file a drop folder listing saw; a name leading elsewhere now is not read (`ListedFile`).
    public convenience init(path: String, offset: Int = 0, identity: FileIdentity? = nil, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20) throws {
        let fd: Int32
        do { fd = try ListedFile.open(path, identity: identity) } catch {
            if let code = error.code { throw OpenError(path: path, code: code) }
            throw error
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw OpenError(path: path, code: EISDIR)
        }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) < 0 {
            let code = errno
            close(fd)
            throw OpenError(path: path, code: code)
        }
        self.init(source: .file(fd), name: path, bufferLimit: Int.max, startOffset: offset,
                  chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// Reads from memory, through the same chunked path as files (so tests with a
    /// tiny `chunkSize` exercise records split across reads).
    public convenience init(bytes: [UInt8], chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20) {
        self.init(source: .memory(bytes), name: "<memory>", bufferLimit: bytes.count + 1, startOffset: 0,
                  chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    private init(source: Source, name: String, bufferLimit: Int, startOffset: Int, chunkSize: Int, maxRecordBytes: Int) {
        precondition(chunkSize > 0 && maxRecordBytes > 0, "chunkSize and maxRecordBytes must be positive")
        precondition(chunkSize < Int(Int32.max) / 2 && maxRecordBytes < Int(Int32.max) / 2,
                     "field offsets are stored as Int32")
        self.source = source
        self.sourceName = name
        self.startOffset = startOffset
        self.chunkSize = chunkSize
        self.maxRecordBytes = maxRecordBytes
        // A partial record never exceeds maxRecordBytes when a read starts, so this
        // always leaves room for a full chunk.
        bufferCapacity = min(maxRecordBytes + chunkSize, bufferLimit)
        buffer = .allocate(capacity: bufferCapacity)
        fields = FieldSpans(capacity: 64)
    }

    deinit {
        if case .file(let fd) = source { close(fd) }
        buffer.deallocate()
        fields.deallocate()
    }

    /// Capacity of the reused field-boundary storage, in fields; for tests.
    package var fieldCapacity: Int { fields.capacity }

    /// Reads the whole input once, in file order.
    ///
    /// - Parameters:
    ///   - record: called for every well-formed record. The record and its fields
    ///     are valid only during the call.
    ///   - malformed: called for every malformed record; reading then goes on.
    /// - Throws: `ReadError` on an I/O failure, or whatever a callback throws
    ///   (which stops reading). Later calls return at once without reading.
    public func read(
        record onRecord: (borrowing CSVRecord) throws -> Void,
        malformed onMalformed: (CSVMalformedRecord) throws -> Void
    ) throws {
        guard !started else { return }
        started = true
        try digestBeforeStart()
        var fields = self.fields
        fields.count = 0
        defer { self.fields = fields }

        let base = buffer
        let maxRecordBytes = maxRecordBytes
        var dataEnd = 0
        var exhausted = false
        while dataEnd < 3 && !exhausted {
            let n = try fill(at: dataEnd)
            if n == 0 { exhausted = true } else { dataEnd += n }
        }
        var p = 0
        if startOffset == 0 && dataEnd >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { p = 3 }
        // File offset of base[0].
        var origin = startOffset
        let stopOffset = self.stopOffset ?? Int.max

        var recordStart = p
        var line = 1
        var recordLine = 1
        var state = ScanState.fieldStart
        var fieldStart = p
        var gap = 0  // doubled quotes collapsed so far in the current quoted field
        var problem = Problem.none
        var blocks = CSVBlockScanner()

        records: while true {
            // recordStart only moves to record starts, so this sees each one.
            if origin &+ recordStart >= stopOffset {
                stoppedAt = (origin &+ recordStart, recordLine)
                return
            }
            let hardLimit = recordStart + maxRecordBytes
            let limit = min(dataEnd, hardLimit)
            let atEOF = exhausted && limit == dataEnd
            // Most records need none of the state machine below: the SIMD scanner
            // takes them whole, and any it declines is read below from its start.
            if p == recordStart && state == .fieldStart && fields.count == 0,
               let plain = blocks.plainRecord(base, start: p, limit: limit, spans: fields.base, capacity: fields.capacity) {
                try onRecord(CSVRecord(line: recordLine, count: plain.count,
                                       base: UnsafePointer(base), spans: UnsafePointer(fields.base)))
                p = plain.next
                line &+= 1
                recordStart = p
                recordLine = line
                continue records
            }
            var complete = false

            // Each `break scan` leaves p at `limit`, or on a CR whose LF may lie past it.
            scan: while true {
                switch state {
                case .fieldStart:
                    guard p < limit else { break scan }
                    let b = base[p]
                    if b == Byte.quote {
                        p &+= 1
                        fieldStart = p
                        gap = 0
                        state = .quoted
                        continue scan
                    }
                    if fields.count == 0 {
                        // Blank line (LF, CRLF, or CR at end of input): not a record.
                        if b == Byte.lf {
                            p &+= 1
                            line &+= 1
                            recordStart = p
                            recordLine = line
                            continue records
                        }
                        if b == Byte.cr {
                            if p &+ 1 < limit {
                                if base[p &+ 1] == Byte.lf {
                                    p &+= 2
                                    line &+= 1
                                    recordStart = p
                                    recordLine = line
                                    continue records
                                }
                            } else if atEOF {
                                p &+= 1
                                recordStart = p
                                continue records
                            } else {
                                break scan
                            }
                        }
                    }
                    fieldStart = p
                    state = .unquoted

                case .unquoted:
                    while p < limit {
                        // Eight bytes at a time while none is ',' or below (LF, CR, NUL, space):
                        // the lowest byte flagged by this borrow trick is the first such byte.
                        while p &+ 8 <= limit {
                            let word = UInt64(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self))
                            let low = (word &- 0x2D2D_2D2D_2D2D_2D2D) & ~word & 0x8080_8080_8080_8080
                            if low != 0 {
                                p &+= low.trailingZeroBitCount &>> 3
                                break
                            }
                            p &+= 8
                        }
                        guard p < limit else { break }
                        let b = base[p]
                        if b > Byte.comma { p &+= 1; continue }
                        if b == Byte.comma {
                            fields.append(fieldStart, p)
                            p &+= 1
                            state = .fieldStart
                            continue scan
                        }
                        if b == Byte.lf {
                            fields.append(fieldStart, p)
                            p &+= 1
                            line &+= 1
                            complete = true
                            break scan
                        }
                        if b == Byte.cr {
                            let next = p &+ 1
                            if next < limit {
                                if base[next] == Byte.lf {
                                    fields.append(fieldStart, p)
                                    p = next &+ 1
                                    line &+= 1
                                    complete = true
                                    break scan
                                }
                            } else if atEOF {
                                fields.append(fieldStart, p)
                                p = next
                                complete = true
                                break scan
                            } else {
                                break scan
                            }
                        } else if b == 0 {
                            problem.note(.nulByte, field: fields.count)
                        }
                        p &+= 1
                    }
                    break scan

                case .quoted:
                    if gap == 0 {
                        while p < limit {
                            let b = base[p]
                            if b > Byte.quote { p &+= 1; continue }
                            if b == Byte.quote { break }
                            if b == Byte.lf {
                                line &+= 1
                            } else if b == 0 {
                                problem.note(.nulByte, field: fields.count)
                            }
                            p &+= 1
                        }
                    } else {
                        // Shift content left over the quotes already dropped.
                        while p < limit {
                            let b = base[p]
                            if b == Byte.quote { break }
                            if b == Byte.lf {
                                line &+= 1
                            } else if b == 0 {
                                problem.note(.nulByte, field: fields.count)
                            }
                            base[p &- gap] = b
                            p &+= 1
                        }
                    }
                    guard p < limit else { break scan }
                    p &+= 1
                    state = .quoteSeen

                case .quoteSeen:
                    guard p < limit else { break scan }
                    let b = base[p]
                    let contentEnd = p &- 1 &- gap
                    if b == Byte.quote {
                        base[contentEnd] = Byte.quote
                        gap &+= 1
                        p &+= 1
                        state = .quoted
                        continue scan
                    }
                    if b == Byte.comma {
                        fields.append(fieldStart, contentEnd)
                        p &+= 1
                        state = .fieldStart
                        continue scan
                    }
                    if b == Byte.lf {
                        fields.append(fieldStart, contentEnd)
                        p &+= 1
                        line &+= 1
                        complete = true
                        break scan
                    }
                    if b == Byte.cr {
                        let next = p &+ 1
                        if next < limit {
                            if base[next] == Byte.lf {
                                fields.append(fieldStart, contentEnd)
                                p = next &+ 1
                                line &+= 1
                                complete = true
                                break scan
                            }
                        } else if atEOF {
                            fields.append(fieldStart, contentEnd)
                            p = next
                            complete = true
                            break scan
                        } else {
                            break scan
                        }
                    }
                    // `"abc"x`: keep going as an unquoted field so the record still
                    // ends where it should, then report it.
                    problem.note(.textAfterQuote, field: fields.count)
                    fieldStart = p
                    state = .unquoted
                }
            }

            if !complete && atEOF {
                switch state {
                case .fieldStart:
                    if fields.count == 0 { return }
                    fields.append(p, p)
                case .unquoted:
                    fields.append(fieldStart, p)
                case .quoted:
                    problem.note(.unterminatedQuote, field: fields.count)
                case .quoteSeen:
                    fields.append(fieldStart, p &- 1 &- gap)
                }
                complete = true
            }
            if complete {
                if case .none = problem {
                    try onRecord(CSVRecord(line: recordLine, count: fields.count,
                                           base: UnsafePointer(base), spans: UnsafePointer(fields.base)))
                } else {
                    try onMalformed(CSVMalformedRecord(line: recordLine, reason: problem.reason))
                }
                fields.count = 0
                problem = .none
                state = .fieldStart
                recordStart = p
                recordLine = line
                continue records
            }

            if limit == hardLimit {
                // Over-long record: drop what is buffered and skip to the next LF
                // chunk by chunk, so a gigabyte line costs no more memory than a short one.
                let wasQuoted = state == .quoted
                var found = false
                while !found {
                    if p < dataEnd, let hit = memchr(base + p, Int32(Byte.lf), dataEnd &- p) {
                        p = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit)) &+ 1
                        line &+= 1
                        found = true
                    } else if exhausted {
                        p = dataEnd
                        break
                    } else {
                        origin &+= dataEnd
                        p = 0
                        dataEnd = 0
                        blocks.invalidate()
                        let n = try fill(at: 0)
                        if n == 0 { exhausted = true } else { dataEnd = n }
                    }
                }
                let hint = wasQuoted ? " (unbalanced quote?)" : ""
                let resume = found ? "skipped to line \(line)" : "skipped to end of input"
                try onMalformed(CSVMalformedRecord(
                    line: recordLine,
                    reason: "record longer than \(maxRecordBytes) bytes\(hint); \(resume)"))
                fields.count = 0
                problem = .none
                state = .fieldStart
                recordStart = p
                recordLine = line
                continue records
            }

            // Need more input: move the partial record to the front, then read.
            if recordStart > 0 {
                let keep = dataEnd &- recordStart
                if keep > 0 { memmove(base, base + recordStart, keep) }
                blocks.invalidate()
                fields.shift(by: recordStart)
                origin &+= recordStart
                p &-= recordStart
                fieldStart &-= recordStart
                dataEnd = keep
                recordStart = 0
            }
            let n = try fill(at: dataEnd)
            if n == 0 { exhausted = true } else { dataEnd &+= n }
        }
    }

    /// Reads up to one chunk into `buffer[offset...]`; 0 means end of input.
    private func fill(at offset: Int) throws -> Int {
        let want = min(chunkSize, bufferCapacity - offset)
        precondition(want > 0, "CSVReader buffer invariant broken")
        let target = buffer + offset
        switch source {
        case .file(let fd):
            while true {
                let n = CSVReader.systemRead(fd, target, want)
                if n >= 0 {
                    if digest != nil { feedDigest(target, n, at: startOffset &+ bytesRead) }
                    bytesRead += n
                    return n
                }
                let code = errno
                if code != EINTR { throw ReadError(path: sourceName, code: code) }
            }
        case .memory(let bytes):
            let n = min(want, bytes.count - memoryOffset)
            guard n > 0 else { return 0 }
            bytes.withUnsafeBufferPointer { source in
                if let start = source.baseAddress {
                    target.update(from: start + memoryOffset, count: n)
                }
            }
            memoryOffset += n
            if digest != nil { feedDigest(target, n, at: startOffset &+ bytesRead) }
            bytesRead += n
            return n
        }
    }

    /// Digests the part of `count` bytes read at file offset `offset` that lies in `digest.end..<digestEnd`.
    private func feedDigest(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int, at offset: Int) {
        guard let from = digest?.end else { return }
        let lower = max(offset, from)
        let upper = min(offset &+ count, digestEnd ?? Int.max)
        guard upper > lower else { return }
        digest?.update(UnsafeRawBufferPointer(start: bytes + (lower &- offset), count: upper &- lower), at: lower)
    }

    /// Digests the bytes between where the digest starts and `startOffset`, read for it alone.
    /// A file that ends first leaves the digest short of `startOffset`: it then has a hole.
    private func digestBeforeStart() throws {
        guard var d = digest, d.end < startOffset, case .file(let fd) = source else { return }
        let upper = min(startOffset, digestEnd ?? Int.max)
        while d.end < upper {
            let n = pread(fd, buffer, min(bufferCapacity, upper &- d.end), off_t(d.end))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw ReadError(path: sourceName, code: code)
            }
            if n == 0 { break }
            d.update(UnsafeRawBufferPointer(start: buffer, count: n), at: d.end)
        }
        digest = d
    }

    private enum Byte {
        package static let lf: UInt8 = 0x0A
        package static let cr: UInt8 = 0x0D
        package static let quote: UInt8 = 0x22
        package static let comma: UInt8 = 0x2C
    }

    private enum ScanState {
        case fieldStart, unquoted, quoted, quoteSeen
    }

    /// First thing wrong with the current record; only the first one is reported.
    private enum Problem {
        case none
        case found(Kind, field: Int)

        package enum Kind {
            case nulByte, textAfterQuote, unterminatedQuote
        }

        package mutating func note(_ kind: Kind, field: Int) {
            if case .none = self { self = .found(kind, field: field) }
        }

        package var reason: String {
            guard case .found(let kind, let index) = self else { return "" }
            let field = index + 1
            switch kind {
            case .nulByte: return "NUL byte in field \(field) (binary file?)"
            case .textAfterQuote: return "text after closing quote in field \(field)"
            case .unterminatedQuote: return "unterminated quoted field \(field) at end of input"
            }
        }
    }

    /// Reused (start, end) offset pairs of the current record's fields.
    private struct FieldSpans {
        package private(set) var base: UnsafeMutablePointer<Int32>
        package private(set) var capacity: Int
        package var count = 0

        package init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: 2 * capacity)
        }

        @inline(__always)
        package mutating func append(_ start: Int, _ end: Int) {
            if count == capacity { grow() }
            base[2 &* count] = Int32(truncatingIfNeeded: start)
            base[2 &* count &+ 1] = Int32(truncatingIfNeeded: end)
            count &+= 1
        }

        @inline(never)
        private mutating func grow() {
            let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: 4 * capacity)
            bigger.update(from: base, count: 2 * count)
            base.deallocate()
            base = bigger
            capacity *= 2
        }

        package mutating func shift(by delta: Int) {
            let d = Int32(truncatingIfNeeded: delta)
            for i in 0..<(2 * count) { base[i] &-= d }
        }

        package func deallocate() { base.deallocate() }
    }

    private static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    /// `read(2)`; inside CSVReader a bare `read` names the method.
    @inline(__always)
    private static func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(fd, buffer, count)
        #elseif canImport(Musl)
        Musl.read(fd, buffer, count)
        #else
        Darwin.read(fd, buffer, count)
        #endif
    }
}
