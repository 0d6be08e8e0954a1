import Foundation
import KlaxonEngine
import KlaxonSystem

/// Reads one CDR file into a staging area; the caller merges it into the
/// state only when the whole file was read, so no file is ever half-counted.
///
/// A large file is read as two byte ranges on two threads, each digesting
/// its share for the ledger (`BlockDigest`: the first the blocks before the
/// one holding the cut, the second the rest). The second range starts after the first line
/// end past the middle; its result is used only if the first range's reader,
/// going on past that point, finds a record starting exactly there. A line
/// end inside a quoted field is not a record start: the file is then read
/// again in one piece, so the split never changes what is read.
struct CDRFileReader: Sendable {
    let input: InputSettings
    /// The table each byte range's company indices start from: the balance
    /// snapshot's companies, entered once per ingest rather than once per
    /// range of every file (300,000 ids, hashed and copied, twice a file). A
    /// range's copy shares its storage until the range meets a spelling it lacks.
    let companies: CompanyTable
    /// Calls before this minute are outside every window.
    let oldestMinute: Int32
    /// Calls after this instant are "in the future" (behaviour.md "Bad input": more than 5 minutes ahead).
    let latestTime: Int64
    /// Files at least this big are read on two threads; below, a thread costs more than it saves.
    var splitThreshold = 4 << 20
    /// Which calls go to the call log (behaviour.md "Destinations, fraud rules and baselines"); nil when no alert needs it.
    var watch: CallWatch? = nil

    /// `knownCompanies`: the balance snapshot's companies; nil when there is none to check against.
    init(input: InputSettings, knownCompanies: Set<String>?, oldestMinute: Int32, latestTime: Int64,
         splitThreshold: Int = 4 << 20, watch: CallWatch? = nil) {
        self.input = input
        companies = CompanyTable(known: knownCompanies)
        self.oldestMinute = oldestMinute
        self.latestTime = latestTime
        self.splitThreshold = splitThreshold
        self.watch = watch
    }

    /// A whole file, read: its ranges' staging in file order and the digest of its bytes.
    struct Staging: Sendable {
        var parts: [CDRStaging]
        var digest: String
    }

    /// What reading one byte range gave.
    struct RangeResult: Sendable {
        var staging: CDRStaging
        var tally = FileTally()
        /// Why the whole file is rejected (cannot open, read error, no required column).
        var failure: String?
        /// The file could not be opened as listed: refused, not rejected, so it is tried again.
        var unopened = false
        /// The file offset and line (counted from the range's start) where the range stopped.
        var stoppedAt: Int?
        var stoppedLine = 1
        /// This range's piece of the file's digest.
        var digest: BlockDigest?
    }

    func read(_ file: DropFile, report: inout FileReport) -> Staging? {
        if input.format == .buckets { return BucketFileReader(settings: self).read(file, report: &report) }
        var ranges: [RangeResult]
        if file.size >= splitThreshold, ProcessInfo.processInfo.activeProcessorCount > 1, let split = splitRead(file) {
            ranges = split
        } else {
            ranges = [readRange(path: file.path, identity: file.identity, offset: 0, stop: nil, columns: nil, digestFrom: 0, digestTo: nil)]
        }
        var lineOffset = 0
        for range in ranges {
            range.tally.add(to: &report, path: file.path, lineOffset: lineOffset)
            lineOffset += range.stoppedLine - 1
        }
        if let failure = ranges.first(where: { $0.failure != nil })?.failure {
            // Unreadable (permissions, a file swapped after the listing) is not bad data: nothing is recorded.
            report.outcome = ranges.contains(where: \.unopened) ? .refused : .rejected
            report.reason = failure
            return nil
        }
        // Nothing at all could be read: binary, or not this kind of export. Marked
        // rejected rather than taken, so a corrected file under the same name is read.
        if report.rows > 0, report.rejectedRows == report.rows {
            report.outcome = .rejected
            report.reason = "no row could be read (first: \(report.rejections.first ?? "")); is this a \(input.format.rawValue) CDR export?"
            return nil
        }
        var info = stat()
        guard stat(file.path, &info) == 0, Int64(info.st_size) == file.size,
              Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9 == file.modified,
              let digest = BlockDigest.finalize(ranges.compactMap(\.digest), length: Int(file.size))
        else {
            report.outcome = .rejected
            report.reason = "the file changed while it was read (still being written?); it is read again once settled"
            return nil
        }
        return Staging(parts: ranges.map(\.staging), digest: digest)
    }

    /// Two ranges read side by side, or nil when the file has to be read in one piece.
    private func splitRead(_ file: DropFile) -> [RangeResult]? {
        guard let middle = lineStart(after: Int(file.size / 2), in: file), middle < file.size,
              let columns = probeColumns(file, before: middle)
        else { return nil }
        let (path, identity) = (file.path, file.identity)
        let cut = BlockDigest.blockStart(atOrBefore: middle)
        let second = BackgroundThread { readRange(path: path, identity: identity, offset: middle, stop: nil, columns: columns, digestFrom: cut, digestTo: nil) }
        let first = readRange(path: path, identity: identity, offset: 0, stop: middle, columns: nil, digestFrom: 0, digestTo: cut)
        let rest = second.wait()
        guard first.stoppedAt == middle, let a = first.digest, let b = rest.digest,
              BlockDigest.finalize([a, b], length: Int(file.size)) != nil
        else { return nil }
        return [first, rest]
    }

    /// The offset just after the first LF at or past `offset`, looking at most 1 MiB ahead.
    private func lineStart(after offset: Int, in file: DropFile) -> Int? {
        guard let fd = try? ListedFile.open(file.path, identity: file.identity) else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var position = offset
        while position < offset + (1 << 20) {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(position)) }
            guard n > 0 else { return nil }
            if let i = buffer[0..<n].firstIndex(of: 0x0A) { return position + i + 1 }
            position += n
        }
        return nil
    }

    /// The columns that the first range will find, for the second; nil when the
    /// first well-formed record does not start before `limit` or names no usable layout.
    func probeColumns(_ file: DropFile, before limit: Int) -> CDRColumns? {
        struct Found: Error {}
        guard let reader = try? CSVReader(path: file.path, identity: file.identity) else { return nil }
        reader.stopOffset = limit
        var cells: [String]?
        do {
            try reader.read(record: { record in
                cells = record.strings
                throw Found()
            }, malformed: { _ in })
        } catch is Found {
        } catch {
            return nil
        }
        guard let cells else { return nil }
        let layout = self.layout(firstRow: cells)
        return layout.fatal == nil ? layout.columns : nil
    }

    /// The layout a file's first well-formed row sets: a header, or the format's positions.
    private func layout(firstRow cells: [String]) -> (columns: CDRColumns, isHeader: Bool, fatal: String?) {
        let format = CDRFormat(input.format)
        guard format.looksLikeHeader(cells, overrides: input.columns) else {
            return (CDRColumns(ColumnLayout<CDRField>.positional(format.positions, overrides: input.columns, widths: format.positionalWidths)), false, nil)
        }
        let layout = ColumnLayout<CDRField>.fromHeader(cells, overrides: input.columns, defaultNames: format.headerNames)
        let missing = layout.missing(format.requiredFields)
        var fatal: String?
        if !missing.isEmpty {
            fatal = "no \(missing.map { "`\($0.rawValue)`" }.joined(separator: ", ")) column in the header (columns: \(cells.joined(separator: ", ")))"
        }
        return (CDRColumns(layout), true, fatal)
    }

    /// Reads from `offset` to the end, or to the first record start at or past `stop`.
    /// Without `columns`, the first well-formed row decides them (header or not).
    /// The file's bytes `digestFrom..<digestTo` (nil: to the end) are digested; `digestFrom` is a block boundary.
    func readRange(path: String, identity: FileIdentity?, offset: Int, stop: Int?, columns given: CDRColumns?,
                           digestFrom: Int, digestTo: Int?, digestSoFar: BlockDigest? = nil) -> RangeResult {
        var result = RangeResult(staging: CDRStaging(companies: companies))
        let reader: CSVReader
        do { reader = try CSVReader(path: path, offset: offset, identity: identity) } catch {
            result.failure = "\(error)"
            result.unopened = error is CSVReader.OpenError || error is ListedFileError
            return result
        }
        reader.stopOffset = stop
        reader.digest = digestSoFar ?? BlockDigest(start: digestFrom)
        reader.digestEnd = digestTo
        let format = CDRFormat(input.format)
        var columns = given
        var firstRecord = given == nil
        var fatal: String?
        var time = TimestampParser(timezone: input.timezone)
        var staging = result.staging
        var tally = FileTally()
        do {
            try reader.read(record: { record in
                if fatal != nil { return }
                if firstRecord {
                    firstRecord = false
                    let found = layout(firstRow: record.strings)
                    columns = found.columns
                    fatal = found.fatal
                    if found.isHeader { return }
                }
                guard let c = columns else { return }
                tally.rows += 1
                switch format.parse(record, columns: c, time: &time, companies: &staging.companies) {
                case .failure(let reason):
                    tally.reject(line: record.line, reason)
                case .success(let row):
                    if fold(row, line: record.line, into: &staging, tally: &tally), let watch {
                        staging.log(row, number: c.destNumber >= 0 && c.destNumber < record.count ? record[c.destNumber].bytes : UnsafeBufferPointer(start: nil, count: 0), watch: watch)
                    }
                }
            }, malformed: { bad in
                tally.rows += 1
                tally.reject(line: bad.line, bad.reason)
            })
        } catch {
            result.failure = "read error: \(error)"
        }
        if result.failure == nil { result.failure = fatal }
        // On this thread: the merge that follows is single-threaded.
        if result.failure == nil { staging.buckets.group() }
        result.staging = staging
        result.tally = tally
        result.stoppedAt = reader.stoppedAt?.offset
        result.stoppedLine = reader.stoppedAt?.line ?? 1
        result.digest = reader.digest
        return result
    }

    /// False when the row was not folded (unknown company, too old, in the future).
    @inline(__always)
    private func fold(_ row: CDRRow, line: Int, into staging: inout CDRStaging, tally: inout FileTally) -> Bool {
        let customerKnown = staging.companies.known[Int(row.customer)]
        let providerKnown = row.provider.map { staging.companies.known[Int($0)] } ?? false
        if !customerKnown && !providerKnown {
            tally.reject(line: line, "unknown company \"\(staging.companies.ids[Int(row.customer)])\" (not in the balance snapshot)")
            return false
        }
        if row.call.time > latestTime {
            tally.inFuture += 1
            return false
        }
        let minute = Int32(clamping: floorDiv(row.call.time, 60))
        if minute < oldestMinute {
            tally.tooOld += 1
            return false
        }
        tally.folded += 1
        if customerKnown { staging.add(row.call, minute: minute, company: row.customer, role: .customer) }
        if let provider = row.provider, providerKnown { staging.add(row.call, minute: minute, company: provider, role: .carrier) }
        return true
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
