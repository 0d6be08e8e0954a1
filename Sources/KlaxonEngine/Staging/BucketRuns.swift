import Foundation

/// Per company, the minute buckets one byte range of a CDR file adds, laid out
/// so that folding a row touches memory that is already in cache.
///
/// Each company has an open "current" bucket in one dense array; a call in
/// the same minute adds to it. A call in another minute closes it: the bucket
/// is encoded as the state file stores it (varints, the minute as the
/// difference from the company's previous bucket, ~15 bytes instead of 48) and
/// written to the end of a log shared by all companies (`ClosedBucketLog`).
/// Writing closed buckets to per-company runs instead put each one at a random
/// place in ~150 MB: with 10,000 customers, most of whose rows open a new
/// minute, a cache miss on almost every row, and three times the memory.
///
/// `group()`, at the end of the read and still on the range's thread, copies
/// each company's bytes next to each other (a counting sort: the byte counts
/// are kept as buckets close), freeing the log as it goes. A company whose
/// buckets closed in minute order — every company of a sorted export — then
/// hands its bytes over as they are (`encoded(of:)`); the others are decoded,
/// sorted and summed (`buckets(of:)`).
///
/// A class, the one owner of its memory (the per-company arrays and the
/// log): copies of a `CDRStaging` share the one staging area instead of
/// aliasing its memory. `@unchecked Sendable`: a byte range's thread builds it
/// and hands it over whole when the range is read (`BackgroundThread.wait()`),
/// after which only the merging thread touches it; it is never used from two
/// threads at once.
package final class BucketRuns: @unchecked Sendable {
    /// What the log holds of one company.
    private struct Closed {
        package var first = Int32.min
        package var last = Int32.min
        package var count: Int32 = 0
        package var bytes: Int32 = 0
        /// Where the last bucket's fields start in the company's bytes.
        package var lastFields: Int32 = 0
        /// Every minute later than the one before.
        package var ordered = true
    }

    private static let open = Int32.min
    // `@exclusivity(unchecked)`: a class's stored properties are otherwise
    // checked for overlapping access at run time (a `swift_beginAccess` call
    // per access, seven per row in `CDRStaging.add`: +15% on a first run).
    // Nothing here can overlap: no property is passed inout or lent to a
    // closure that reaches the same property, and one thread at a time uses
    // the instance. Debug builds check the memory with `verifyInvariants()`.
    @exclusivity(unchecked) private var current = CompanyArray<StagedBucket>()
    @exclusivity(unchecked) private var closed = CompanyArray<Closed>()
    @exclusivity(unchecked) private var log: ClosedBucketLog
    /// After `group()`: each company's bytes, slices of one array.
    @exclusivity(unchecked) private var grouped: [EncodedBuckets?] = []
    @exclusivity(unchecked) private(set) var isGrouped = false
    /// Companies with room here.
    package var companies: Int { current.count }

    /// `logChunkSize`: the closed-bucket log's chunk, smaller only in tests
    /// (to cross many chunk boundaries with few buckets).
    package init(logChunkSize: Int = ClosedBucketLog.defaultChunkSize) {
        log = ClosedBucketLog(chunkSize: logChunkSize)
        assert(verifyInvariants())
    }

    /// Makes room for companies `0..<count`.
    package func reserve(companies count: Int) {
        guard count > companies else { return }
        current.grow(to: count, with: StagedBucket(minute: Self.open))
        closed.grow(to: count, with: Closed())
        assert(verifyInvariants())
    }

    /// Folds one call into `company`'s bucket of `minute`.
    @inline(__always)
    package func add(_ call: CallRecord, minute: Int32, company i: Int) {
        var bucket = MinuteBucket(minute: minute)
        bucket.add(call)
        add(bucket, company: i)
    }

    /// Folds a pre-aggregated minute (format `buckets`) into `company`'s bucket of its minute.
    @inline(__always)
    package func add(_ bucket: MinuteBucket, company i: Int) {
        // Kept in release: one predictable branch, and a bucket added after the
        // grouping would be lost without a word.
        precondition(!isGrouped, "a bucket added after its range was grouped")
        defer { assert(verifyInvariants(company: i)) }
        if current[i].minute == bucket.minute && current[i].add(bucket) { return }
        if current[i].minute != Self.open { close(i) }
        var fresh = StagedBucket(minute: bucket.minute)
        if fresh.add(bucket) {
            current[i] = fresh
            return
        }
        // Sums beyond 32 bits: staged as several buckets of the minute, summed when handed over.
        for (k, part) in StagedBucket.split(bucket).enumerated() {
            if k > 0 { close(i) }
            current[i] = part
        }
    }

    /// Encodes company `i`'s open bucket onto the log.
    @inline(__always)
    private func close(_ i: Int) {
        let bucket = current[i].wide
        var c = closed[i]
        var cursor = log.record(company: Int32(truncatingIfNeeded: i))
        if c.count == 0 {
            c.first = bucket.minute  // kept apart from the bytes, as `EncodedBuckets` has it
        } else {
            if bucket.minute <= c.last { c.ordered = false }
            cursor.signed(Int64(bucket.minute) - Int64(c.last))
        }
        c.lastFields = c.bytes &+ Int32(truncatingIfNeeded: cursor.offset)
        cursor.bucketFields(bucket)
        log.commit(cursor)
        c.last = bucket.minute
        c.count &+= 1
        c.bytes &+= Int32(truncatingIfNeeded: cursor.offset)
        closed[i] = c
    }

    /// Closes every open bucket and puts each company's bytes next to each
    /// other, freeing the log. Called once the range is read.
    package func group() {
        guard !isGrouped else { return }
        isGrouped = true
        let companies = self.companies
        for i in 0..<companies where current[i].minute != Self.open {
            close(i)
            current[i] = StagedBucket(minute: Self.open)
        }
        var offsets = [Int](repeating: 0, count: companies + 1)
        for i in 0..<companies { offsets[i + 1] = offsets[i] + Int(closed[i].bytes) }
        var cursor = offsets
        let total = offsets[companies]
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            // Every byte of `out` is written exactly once: each company's records
            // fill its `offsets[i]..<offsets[i + 1]`, whose length is the sum of
            // their lengths (checked below in debug builds).
            cursor.withUnsafeMutableBufferPointer { cursor in
                log.drain { company, payload in
                    let i = Int(company)
                    assert(i >= 0 && i < companies && cursor[i] + payload.count <= offsets[i + 1],
                           "a closed record of company \(i) past its bytes")
                    guard let to = out.baseAddress, let from = payload.baseAddress else { return }
                    (to + cursor[i]).update(from: from, count: payload.count)
                    cursor[i] &+= payload.count
                }
            }
            initialized = total
        }
        assert(cursor.dropLast() == offsets.dropFirst(), "the log's records do not add up to the companies' byte counts")
        grouped = (0..<companies).map { i in
            let c = closed[i]
            guard c.count > 0 else { return nil }
            return EncodedBuckets(first: c.first, last: c.last, count: Int(c.count),
                                  rest: bytes[offsets[i]..<offsets[i + 1]], ownsBytes: true, lastFields: Int(c.lastFields))
        }
        assert(verifyInvariants())
    }

    /// Company `i`'s buckets as encoded when they closed, if they closed in
    /// minute order; `group()` must have run.
    package func encoded(of i: Int) -> EncodedBuckets? {
        guard i < grouped.count, closed[i].ordered else { return nil }
        return grouped[i]
    }

    /// Company `i`'s buckets, one per minute, sorted (and summed where a
    /// minute was staged twice: a file out of time order, or sums past 32 bits).
    package func buckets(of i: Int) -> CompanyBuckets {
        group()
        guard i < grouped.count, let encoded = grouped[i] else { return CompanyBuckets() }
        if closed[i].ordered { return CompanyBuckets(buckets: encoded.decoded()) }
        var merged = CompanyBuckets()
        for bucket in encoded.decoded() { merged.merge(bucket) }
        return merged
    }

    /// The whole structure agrees with itself: both arrays have every company,
    /// the log is consistent, every company's counts are possible, and after
    /// `group()` every company has its bytes and no bucket is open.
    /// O(companies): called after `reserve` and `group`, not per row.
    package func verifyInvariants() -> Bool {
        guard current.verifyInvariants(), closed.verifyInvariants(), current.count == closed.count,
              log.verifyInvariants()
        else { return false }
        for i in 0..<companies where !verifyInvariants(company: i) { return false }
        if isGrouped {
            guard grouped.count == companies, log.isEmpty else { return false }
            for i in 0..<companies where current[i].minute != Self.open || (grouped[i] == nil) != (closed[i].count == 0) {
                return false
            }
        }
        return true
    }

    /// Company `i`'s part of `verifyInvariants()`, in O(1): checked after each `add`.
    package func verifyInvariants(company i: Int) -> Bool {
        guard i >= 0 && i < current.count && i < closed.count else { return false }
        let c = closed[i]
        guard c.count >= 0 && c.bytes >= 0 else { return false }
        if c.count == 0 { return c.bytes == 0 && c.ordered }
        // A bucket's fields take 9 to 90 bytes; a later one's minute difference 1 to 10 more.
        return c.lastFields >= 0 && c.lastFields < c.bytes && c.bytes - c.lastFields <= 90
            && (!c.ordered || c.last >= c.first) && Int64(c.bytes) >= 9 * Int64(c.count)
    }
}

/// Closed buckets, encoded, with their companies, in the order they closed:
/// records of (company, length, bytes) in chunks of pages that `drain`
/// hands out and unmaps one by one.
///
/// Not copyable: `end` points into the last chunk, which a copy would share
/// and a drain of either would unmap.
package struct ClosedBucketLog: ~Copyable {
    package static let defaultChunkSize = 4 << 20
    /// Room for a record's company and length, and a bucket's ten varints.
    package static let maxRecord = 5 + 100
    package let chunkSize: Int
    /// Owns the pages; `end` and `fill` are in the last chunk.
    private var chunks: [(memory: PageMemory<UInt8>, used: Int)] = []
    private var end: UnsafeMutablePointer<UInt8>?
    private var fill: Int

    package init(chunkSize: Int = Self.defaultChunkSize) {
        precondition(chunkSize >= Self.maxRecord, "a closed-bucket log chunk must hold a record")
        self.chunkSize = chunkSize
        fill = chunkSize
        assert(verifyInvariants())
    }

    /// Whether no record is held (before the first, after `drain`).
    package var isEmpty: Bool { chunks.isEmpty }

    /// Starts a record for `company`; its bucket is written through the cursor, then `commit`ted.
    @inline(__always)
    package mutating func record(company: Int32) -> BinaryWriter.RawCursor {
        if fill > chunkSize - Self.maxRecord { newChunk() }
        assert(end != nil && fill <= chunkSize - Self.maxRecord, "no room for a record in the closed-bucket log")
        let start = end.unsafelyUnwrapped + fill
        UnsafeMutableRawPointer(start).storeBytes(of: company.littleEndian, as: Int32.self)
        return BinaryWriter.RawCursor(base: start + 5, limit: Self.maxRecord - 5)
    }

    @inline(__always)
    package mutating func commit(_ cursor: BinaryWriter.RawCursor) {
        assert(cursor.offset <= Self.maxRecord - 5 && end.map { cursor.base == $0 + fill + 5 } == true,
               "a cursor committed to the closed-bucket log that it did not start")
        (cursor.base - 1).pointee = UInt8(truncatingIfNeeded: cursor.offset)
        fill &+= 5 &+ cursor.offset
    }

    @inline(never)
    private mutating func newChunk() {
        if !chunks.isEmpty { chunks[chunks.count - 1].used = fill }
        let memory = PageMemory<UInt8>(count: chunkSize)
        chunks.append((memory, 0))
        end = memory.base
        fill = 0
        assert(verifyInvariants())
    }

    /// Hands each record, oldest first, to `body`, freeing each chunk once read.
    package mutating func drain(_ body: (Int32, UnsafeBufferPointer<UInt8>) -> Void) {
        if !chunks.isEmpty { chunks[chunks.count - 1].used = fill }
        assert(verifyInvariants())
        for k in chunks.indices {
            let base = chunks[k].memory.base
            var p = 0
            while p < chunks[k].used {
                let company = Int32(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: Int32.self))
                let length = Int(base[p + 4])
                assert(p + 5 + length <= chunks[k].used, "a closed-bucket record past its chunk's end")
                body(company, UnsafeBufferPointer(start: base + p + 5, count: length))
                p += 5 + length
            }
            chunks[k].memory.free()
        }
        chunks = []
        end = nil
        fill = chunkSize
        assert(verifyInvariants())
    }

    /// `end` is the last chunk's memory (none without chunks), the fill is
    /// within a chunk, and every earlier chunk's records end within it.
    package func verifyInvariants() -> Bool {
        guard fill >= 0 && fill <= chunkSize else { return false }
        guard let last = chunks.last else { return end == nil && fill == chunkSize }
        return end == last.memory.base && chunks.allSatisfy { $0.used >= 0 && $0.used <= chunkSize }
    }
}

/// Anonymous pages for `count` values of a trivial type, mapped directly so
/// that freeing them gives the memory back to the system at once (a big
/// `malloc` block freed in the middle of the heap may not be).
package final class PageMemory<Element>: @unchecked Sendable {
    package private(set) var base: UnsafeMutablePointer<Element>
    private let bytes: Int
    private var mapped: Bool

    package init(count: Int) {
        bytes = max(1, count * MemoryLayout<Element>.stride)
        guard let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED
        else { fatalError("out of memory: cannot map \(bytes) bytes for staged buckets") }
        base = address.bindMemory(to: Element.self, capacity: max(count, 1))
        mapped = true
    }

    package func free() {
        guard mapped else { return }
        munmap(base, bytes)
        mapped = false
    }

    deinit { free() }
}
