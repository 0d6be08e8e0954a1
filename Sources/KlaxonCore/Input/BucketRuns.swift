/// Per company, the minute buckets one byte range of a CDR file adds, laid out
/// so that folding a row touches memory that is already in cache.
///
/// Each company has an open "current" bucket in one dense array; a call in
/// the same minute adds to it. A call in another minute closes it onto the
/// company's run (raw memory whose count sits in another dense array), so no
/// per-company array header has to be loaded per row: with 10,000 companies
/// those loads missed the cache on almost every row. Runs are in arrival
/// order; `buckets(of:)` sorts and sums them when a file was not in time order.
///
/// Not a value: copies share the memory, which the last copy frees. A staging
/// area is built by one thread and handed over whole, never copied and used twice.
struct BucketRuns: @unchecked Sendable {
    private struct Run {
        var base: UnsafeMutablePointer<StagedBucket>?
        var count: Int32 = 0
        var capacity: Int32 = 0
    }

    /// Frees the memory when the last copy goes.
    private final class Owner {
        var current: UnsafeMutablePointer<StagedBucket>?
        var runs: UnsafeMutablePointer<Run>?
        var companies = 0

        deinit {
            if let runs {
                for i in 0..<companies { runs[i].base?.deallocate() }
                runs.deallocate()
            }
            current?.deallocate()
        }
    }

    private static let closed = Int32.min
    private let owner = Owner()
    private var current: UnsafeMutablePointer<StagedBucket>
    private var runs: UnsafeMutablePointer<Run>
    private var capacity: Int
    /// Companies with room here.
    private(set) var companies = 0

    init() {
        capacity = 0
        current = .allocate(capacity: 0)
        runs = .allocate(capacity: 0)
        owner.current = current
        owner.runs = runs
    }

    /// Makes room for companies `0..<count`.
    mutating func reserve(companies count: Int) {
        guard count > companies else { return }
        if count > capacity {
            let bigger = max(count, 2 * capacity, 1024)
            let newCurrent = UnsafeMutablePointer<StagedBucket>.allocate(capacity: bigger)
            newCurrent.moveInitialize(from: current, count: companies)
            let newRuns = UnsafeMutablePointer<Run>.allocate(capacity: bigger)
            newRuns.moveInitialize(from: runs, count: companies)
            current.deallocate()
            runs.deallocate()
            current = newCurrent
            runs = newRuns
            capacity = bigger
            owner.current = current
            owner.runs = runs
        }
        for i in companies..<count {
            (current + i).initialize(to: StagedBucket(minute: Self.closed))
            (runs + i).initialize(to: Run())
        }
        companies = count
        owner.companies = count
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
        if current[i].minute == bucket.minute && current[i].add(bucket) { return }
        if current[i].minute != Self.closed { close(i) }
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

    private mutating func close(_ i: Int) {
        var run = runs[i]
        if run.count == run.capacity {
            // By half, not double: at the end of a read these runs are most of the
            // process's memory, and a company's last growth is mostly unused.
            let bigger = max(8, Int(run.capacity) + Int(run.capacity) / 2)
            let base = UnsafeMutablePointer<StagedBucket>.allocate(capacity: bigger)
            if let old = run.base {
                base.moveInitialize(from: old, count: Int(run.count))
                old.deallocate()
            }
            run.base = base
            run.capacity = Int32(bigger)
        }
        run.base?.advanced(by: Int(run.count)).initialize(to: current[i])
        run.count += 1
        runs[i] = run
    }

    /// Company `i`'s buckets, one per minute, sorted.
    func buckets(of i: Int) -> CompanyBuckets {
        guard i < companies else { return CompanyBuckets() }
        let run = runs[i]
        var list: [MinuteBucket] = []
        // Exactly what is needed: appending the open bucket to a full array would double it.
        list.reserveCapacity(Int(run.count) + 1)
        for staged in UnsafeBufferPointer(start: run.base, count: Int(run.count)) { list.append(staged.wide) }
        if current[i].minute != Self.closed { list.append(current[i].wide) }
        var sorted = true
        for k in list.indices.dropFirst() where list[k - 1].minute >= list[k].minute {
            sorted = false
            break
        }
        if sorted { return CompanyBuckets(buckets: list) }
        var merged = CompanyBuckets()
        for bucket in list { merged.merge(bucket) }
        return merged
    }

    /// Frees company `i`'s run once it has been merged.
    mutating func release(_ i: Int) {
        guard i < companies else { return }
        runs[i].base?.deallocate()
        runs[i] = Run()
        current[i] = StagedBucket(minute: Self.closed)
    }
}
