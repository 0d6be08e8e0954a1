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
