/// One company's minute buckets, sorted by minute. CDR files arrive mostly in
/// time order, so adding is nearly always an append.
public struct CompanyBuckets: Sendable, Equatable {
    public private(set) var buckets: [MinuteBucket] = []

    public init(buckets: [MinuteBucket] = []) { self.buckets = buckets }

    public var isEmpty: Bool { buckets.isEmpty }

    /// Adds `bucket` into the one for its minute, creating it if needed.
    public mutating func merge(_ bucket: MinuteBucket) {
        if let last = buckets.last, last.minute < bucket.minute {
            buckets.append(bucket)
            return
        }
        let i = firstIndex(atOrAfter: bucket.minute)
        if i < buckets.count, buckets[i].minute == bucket.minute {
            buckets[i].add(bucket)
        } else {
            buckets.insert(bucket, at: i)
        }
    }

    /// Folds one call into the bucket of `minute`; an append for calls in time order.
    public mutating func add(_ call: CallRecord, minute: Int32) {
        let n = buckets.count
        if n > 0 && buckets[n - 1].minute == minute {
            buckets[n - 1].add(call)
            return
        }
        var i = n
        if n > 0 && buckets[n - 1].minute > minute {
            i = firstIndex(atOrAfter: minute)
            if buckets[i].minute == minute {
                buckets[i].add(call)
                return
            }
        }
        var bucket = MinuteBucket(minute: minute)
        bucket.add(call)
        buckets.insert(bucket, at: i)
    }

    /// Adds every bucket of `other`; when it only holds later minutes (the next
    /// file of a sorted export), an append.
    public mutating func merge(_ other: CompanyBuckets) {
        guard let first = other.buckets.first else { return }
        guard let last = buckets.last else {
            buckets = other.buckets
            return
        }
        if last.minute < first.minute {
            buckets.append(contentsOf: other.buckets)
            return
        }
        var merged: [MinuteBucket] = []
        merged.reserveCapacity(buckets.count + other.buckets.count)
        var i = 0, j = 0
        while i < buckets.count || j < other.buckets.count {
            if j == other.buckets.count || (i < buckets.count && buckets[i].minute < other.buckets[j].minute) {
                merged.append(buckets[i]); i += 1
            } else if i == buckets.count || other.buckets[j].minute < buckets[i].minute {
                merged.append(other.buckets[j]); j += 1
            } else {
                var sum = buckets[i]
                sum.add(other.buckets[j])
                merged.append(sum); i += 1; j += 1
            }
        }
        buckets = merged
    }

    /// The sum over minutes in `[from, to)`.
    public func total(from: Int32, to: Int32) -> MinuteBucket {
        var sum = MinuteBucket(minute: from)
        var i = firstIndex(atOrAfter: from)
        while i < buckets.count, buckets[i].minute < to {
            sum.add(buckets[i])
            i += 1
        }
        return sum
    }

    /// Drops buckets before `minute`; they can no longer fall in any window.
    public mutating func prune(before minute: Int32) {
        let i = firstIndex(atOrAfter: minute)
        if i > 0 { buckets.removeFirst(i) }
    }

    private func firstIndex(atOrAfter minute: Int32) -> Int {
        var lo = 0, hi = buckets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if buckets[mid].minute < minute { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
