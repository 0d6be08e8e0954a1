import KlaxonEngine
/// The window sums one company's alerts need.
///
/// A company's alerts often watch two windows ending at the same minute (1h
/// and 24h); `CompanyBuckets.total(from:to:)` decodes the encoded buckets from
/// the first one on for each window, so two windows cost two passes over a day
/// of buckets. Two windows are summed here in one pass instead. The sums are
/// the same: bucket sums wrap, so they do not depend on order.
extension CompanyBuckets {
    /// `total(from: starts[i], to: to)` for every i.
    func totals(from starts: [Int32], to: Int32) -> [MinuteBucket] {
        guard starts.count == 2 else { return starts.map { total(from: $0, to: to) } }
        var pair = WindowPair(from: min(starts[0], starts[1]), cut: max(starts[0], starts[1]), to: to)
        let (encoded, list) = parts
        if let encoded, pair.from <= encoded.last, to > encoded.first {
            encoded.forEach { pair.take($0) }
        }
        // The decoded buckets are sorted and all later than the encoded ones.
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].minute < pair.from { lo = mid + 1 } else { hi = mid }
        }
        for b in list[lo...] {
            guard pair.take(b) else { break }
        }
        return starts.map { $0 == pair.from ? pair.wide : pair.narrow }
    }
}

/// Two sums over `[from, to)` and `[cut, to)`, fed buckets in minute order.
private struct WindowPair {
    let from: Int32, cut: Int32, to: Int32
    var wide: MinuteBucket, narrow: MinuteBucket

    init(from: Int32, cut: Int32, to: Int32) {
        self.from = from
        self.cut = cut
        self.to = to
        wide = MinuteBucket(minute: from)
        narrow = MinuteBucket(minute: cut)
    }

    /// Adds `b` where it belongs; false once the buckets reach `to`.
    @inline(__always)
    mutating func take(_ b: MinuteBucket) -> Bool {
        guard b.minute < to else { return false }
        if b.minute >= from {
            wide.add(b)
            if b.minute >= cut { narrow.add(b) }
        }
        return true
    }
}
