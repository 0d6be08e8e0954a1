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
/// Not a value: copies share the memory, which the last copy frees. A staging
/// area is built by one thread and handed over whole, never copied and used twice.
struct BucketRuns: @unchecked Sendable {
    /// What the log holds of one company.
    private struct Closed {
        var first = Int32.min
        var last = Int32.min
        var count: Int32 = 0
        var bytes: Int32 = 0
        /// Where the last bucket's fields start in the company's bytes.
        var lastFields: Int32 = 0
        /// Every minute later than the one before.
        var ordered = true
    }

    /// Frees the memory when the last copy goes.
    private final class Owner {
        var current: UnsafeMutablePointer<StagedBucket>?
        var closed: UnsafeMutablePointer<Closed>?
        /// After `group()`: each company's bytes, slices of one array.
        var grouped: [EncodedBuckets?] = []

        deinit {
            current?.deallocate()
            closed?.deallocate()
        }
    }

    private static let open = Int32.min
    private let owner = Owner()
    private var current: UnsafeMutablePointer<StagedBucket>
    private var closed: UnsafeMutablePointer<Closed>
    private var log = ClosedBucketLog()
    private var isGrouped = false
    private var capacity: Int
    /// Companies with room here.
    private(set) var companies = 0

    init() {
        capacity = 0
        current = .allocate(capacity: 0)
        closed = .allocate(capacity: 0)
        owner.current = current
        owner.closed = closed
    }

    /// Makes room for companies `0..<count`.
    mutating func reserve(companies count: Int) {
        guard count > companies else { return }
        if count > capacity {
            let bigger = max(count, 2 * capacity, 1024)
            let newCurrent = UnsafeMutablePointer<StagedBucket>.allocate(capacity: bigger)
            newCurrent.moveInitialize(from: current, count: companies)
            let newClosed = UnsafeMutablePointer<Closed>.allocate(capacity: bigger)
            newClosed.moveInitialize(from: closed, count: companies)
            current.deallocate()
            closed.deallocate()
            current = newCurrent
            closed = newClosed
            capacity = bigger
            owner.current = current
            owner.closed = closed
        }
        for i in companies..<count {
            (current + i).initialize(to: StagedBucket(minute: Self.open))
            (closed + i).initialize(to: Closed())
        }
        companies = count
    }

    /// Folds one call into `company`'s bucket of `minute`.
    @inline(__always)
    mutating func add(_ call: CallRecord, minute: Int32, company i: Int) {
        var bucket = MinuteBucket(minute: minute)
        bucket.add(call)
        add(bucket, company: i)
    }

    /// Folds a pre-aggregated minute (format `buckets`) into `company`'s bucket of its minute.
    @inline(__always)
    mutating func add(_ bucket: MinuteBucket, company i: Int) {
        precondition(!isGrouped, "a bucket added after its range was grouped")
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
    private mutating func close(_ i: Int) {
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
    mutating func group() {
        guard !isGrouped else { return }
        isGrouped = true
        for i in 0..<companies where current[i].minute != Self.open {
            close(i)
            current[i] = StagedBucket(minute: Self.open)
        }
        var offsets = [Int](repeating: 0, count: companies + 1)
        for i in 0..<companies { offsets[i + 1] = offsets[i] + Int(closed[i].bytes) }
        var cursor = offsets
        let bytes = [UInt8](unsafeUninitializedCapacity: offsets[companies]) { out, initialized in
            cursor.withUnsafeMutableBufferPointer { cursor in
                log.drain { company, payload in
                    let i = Int(company)
                    (out.baseAddress! + cursor[i]).update(from: payload.baseAddress!, count: payload.count)
                    cursor[i] &+= payload.count
                }
            }
            initialized = offsets[companies]
        }
        owner.grouped = (0..<companies).map { i in
            let c = closed[i]
            guard c.count > 0 else { return nil }
            return EncodedBuckets(first: c.first, last: c.last, count: Int(c.count),
                                  rest: bytes[offsets[i]..<offsets[i + 1]], ownsBytes: true, lastFields: Int(c.lastFields))
        }
    }

    /// Company `i`'s buckets as encoded when they closed, if they closed in
    /// minute order; `group()` must have run.
    func encoded(of i: Int) -> EncodedBuckets? {
        guard i < owner.grouped.count, closed[i].ordered else { return nil }
        return owner.grouped[i]
    }

    /// Company `i`'s buckets, one per minute, sorted (and summed where a
    /// minute was staged twice: a file out of time order, or sums past 32 bits).
    mutating func buckets(of i: Int) -> CompanyBuckets {
        group()
        guard i < owner.grouped.count, let encoded = owner.grouped[i] else { return CompanyBuckets() }
        if closed[i].ordered { return CompanyBuckets(buckets: encoded.decoded()) }
        var merged = CompanyBuckets()
        for bucket in encoded.decoded() { merged.merge(bucket) }
        return merged
    }
}

/// Closed buckets, encoded, with their companies, in the order they closed:
/// records of (company, length, bytes) in chunks of pages that `drain`
/// hands out and unmaps one by one.
struct ClosedBucketLog {
    private static let chunkSize = 4 << 20
    /// Room for a record's company and length, and a bucket's ten varints.
    private static let maxRecord = 5 + 100
    /// Owns the pages; `end` and `fill` are in the last chunk.
    private var chunks: [(memory: PageMemory<UInt8>, used: Int)] = []
    private var end: UnsafeMutablePointer<UInt8>?
    private var fill = ClosedBucketLog.chunkSize

    /// Starts a record for `company`; its bucket is written through the cursor, then `commit`ted.
    @inline(__always)
    mutating func record(company: Int32) -> BinaryWriter.RawCursor {
        if fill > Self.chunkSize - Self.maxRecord { newChunk() }
        let start = end.unsafelyUnwrapped + fill
        UnsafeMutableRawPointer(start).storeBytes(of: company.littleEndian, as: Int32.self)
        return BinaryWriter.RawCursor(base: start + 5, limit: Self.maxRecord - 5)
    }

    @inline(__always)
    mutating func commit(_ cursor: BinaryWriter.RawCursor) {
        (cursor.base - 1).pointee = UInt8(truncatingIfNeeded: cursor.offset)
        fill &+= 5 &+ cursor.offset
    }

    @inline(never)
    private mutating func newChunk() {
        if !chunks.isEmpty { chunks[chunks.count - 1].used = fill }
        let memory = PageMemory<UInt8>(count: Self.chunkSize)
        chunks.append((memory, 0))
        end = memory.base
        fill = 0
    }

    /// Hands each record, oldest first, to `body`, freeing each chunk once read.
    mutating func drain(_ body: (Int32, UnsafeBufferPointer<UInt8>) -> Void) {
        if !chunks.isEmpty { chunks[chunks.count - 1].used = fill }
        for k in chunks.indices {
            let base = chunks[k].memory.base
            var p = 0
            while p < chunks[k].used {
                let company = Int32(littleEndian: UnsafeRawPointer(base + p).loadUnaligned(as: Int32.self))
                let length = Int(base[p + 4])
                body(company, UnsafeBufferPointer(start: base + p + 5, count: length))
                p += 5 + length
            }
            chunks[k].memory.free()
        }
        chunks = []
        end = nil
        fill = Self.chunkSize
    }
}

/// Anonymous pages for `count` values of a trivial type, mapped directly so
/// that freeing them gives the memory back to the system at once (a big
/// `malloc` block freed in the middle of the heap may not be).
final class PageMemory<Element>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private let bytes: Int
    private var mapped: Bool

    init(count: Int) {
        bytes = max(1, count * MemoryLayout<Element>.stride)
        guard let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED
        else { fatalError("out of memory: cannot map \(bytes) bytes for staged buckets") }
        base = address.bindMemory(to: Element.self, capacity: max(count, 1))
        mapped = true
    }

    func free() {
        guard mapped else { return }
        munmap(base, bytes)
        mapped = false
    }

    deinit { free() }
}
