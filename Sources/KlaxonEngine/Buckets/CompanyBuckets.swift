/// One company's minute buckets, sorted by minute. CDR files arrive mostly in
/// time order, so adding is nearly always an append.
///
/// After a load the buckets stay in the state file's encoding (`encoded`) and
/// only the ones added since are decoded (`list`, all later than the encoded
/// ones): an hourly run appends the new hour, sums windows straight from the
/// bytes and writes untouched companies back as they were read. Adding a
/// bucket at or before the last encoded minute decodes the whole company first.
public struct CompanyBuckets: Sendable, Equatable {
    private var encoded: EncodedBuckets?
    private var list: [MinuteBucket] = []

    public init(buckets: [MinuteBucket] = []) { list = buckets }

    package init(encoded: EncodedBuckets) { self.encoded = encoded }

    /// Every bucket, decoded (a copy when some are still encoded).
    public var buckets: [MinuteBucket] {
        guard let encoded else { return list }
        return encoded.decoded() + list
    }

    public var isEmpty: Bool { encoded == nil && list.isEmpty }

    public var count: Int { (encoded?.count ?? 0) + list.count }

    /// The minute of the latest bucket.
    public var lastMinute: Int32? { list.last?.minute ?? encoded?.last }
    /// The encoded buckets are all earlier than the decoded ones.
    public var firstMinute: Int32? { encoded?.first ?? list.first?.minute }

    /// The buckets still encoded as loaded, and the decoded ones after them (for the writer).
    package var parts: (encoded: EncodedBuckets?, decoded: [MinuteBucket]) { (encoded, list) }

    public static func == (a: CompanyBuckets, b: CompanyBuckets) -> Bool { a.buckets == b.buckets }

    /// Adds `bucket` into the one for its minute, creating it if needed.
    public mutating func merge(_ bucket: MinuteBucket) {
        if let last = lastMinute, last < bucket.minute {
            list.append(bucket)
            return
        }
        decodeAll()
        let i = firstIndex(atOrAfter: bucket.minute)
        if i < list.count, list[i].minute == bucket.minute {
            list[i].add(bucket)
        } else {
            list.insert(bucket, at: i)
        }
    }

    /// Folds one call into the bucket of `minute`; an append for calls in time order.
    public mutating func add(_ call: CallRecord, minute: Int32) {
        let n = list.count
        if n > 0 && list[n - 1].minute == minute {
            list[n - 1].add(call)
            return
        }
        var i = n
        if let last = lastMinute, last >= minute {
            decodeAll()
            i = firstIndex(atOrAfter: minute)
            if list[i].minute == minute {
                list[i].add(call)
                return
            }
        }
        var bucket = MinuteBucket(minute: minute)
        bucket.add(call)
        list.insert(bucket, at: i)
    }

    /// Adds every bucket of `other`; when it only holds later minutes (the next
    /// file of a sorted export), an append.
    public mutating func merge(_ other: CompanyBuckets) {
        let more = other.buckets
        guard let first = more.first else { return }
        guard let last = lastMinute else {
            list = more
            return
        }
        if last < first.minute {
            list.append(contentsOf: more)
            return
        }
        decodeAll()
        var merged: [MinuteBucket] = []
        merged.reserveCapacity(list.count + more.count)
        var i = 0, j = 0
        while i < list.count || j < more.count {
            if j == more.count || (i < list.count && list[i].minute < more[j].minute) {
                merged.append(list[i]); i += 1
            } else if i == list.count || more[j].minute < list[i].minute {
                merged.append(more[j]); j += 1
            } else {
                var sum = list[i]
                sum.add(more[j])
                merged.append(sum); i += 1; j += 1
            }
        }
        list = merged
    }

    /// Adds a file's staged buckets (sorted by minute). A company with none
    /// yet, or only ones encoded since the load, keeps them encoded: a first
    /// run then holds ~15 bytes per bucket instead of 56 while it evaluates
    /// and saves. Later minutes of a company loaded from the file are kept
    /// decoded after its bytes, where the short windows find them.
    package mutating func append(staged other: CompanyBuckets, scratch: inout [UInt8]) {
        let more = other.buckets
        guard let head = more.first else { return }
        if isEmpty {
            encoded = EncodedBuckets(encoding: more, scratch: &scratch)
            return
        }
        if list.isEmpty, var e = encoded, e.ownsBytes, e.last < head.minute {
            encoded = nil  // so that `e` holds the only reference to its bytes
            e.append(more, scratch: &scratch)
            encoded = e
            return
        }
        merge(other)
    }

    /// Adds buckets a file's range encoded on its own thread (sorted by minute):
    /// taken as they are by a company with none yet, appended as bytes after
    /// bytes of its own that end earlier, or that end in the minute they start
    /// with (the minute a file was split in: added into the last bucket), else
    /// decoded and merged.
    package mutating func append(encoded other: EncodedBuckets) {
        if isEmpty {
            encoded = other
            return
        }
        if list.isEmpty, var e = encoded, e.ownsBytes {
            encoded = nil  // so that `e` holds the only reference to its bytes
            if e.last < other.first {
                e.append(encoded: other)
                encoded = e
                return
            }
            if e.last == other.first, let (head, tail) = other.splittingFirst(), e.addToLast(head) {
                if let tail { e.append(encoded: tail) }
                encoded = e
                return
            }
            encoded = e
        }
        merge(CompanyBuckets(buckets: other.decoded()))
    }

    /// The sum over minutes in `[from, to)`; encoded buckets are summed as they
    /// are decoded, without an array.
    public func total(from: Int32, to: Int32) -> MinuteBucket {
        var sum = MinuteBucket(minute: from)
        encoded?.add(from: from, to: to, into: &sum)
        var i = firstIndex(atOrAfter: from)
        while i < list.count, list[i].minute < to {
            sum.add(list[i])
            i += 1
        }
        return sum
    }

    /// Drops buckets before `minute`; they can no longer fall in any window.
    /// Encoded buckets are skipped over, not decoded: an hourly run drops the
    /// oldest hour of every company at the cost of reading that hour's bytes.
    public mutating func prune(before minute: Int32) {
        if let e = encoded { encoded = e.dropping(before: minute) }
        let i = firstIndex(atOrAfter: minute)
        if i > 0 { list.removeFirst(i) }
    }

    /// Moves the encoded buckets into `list`, before the ones already there.
    private mutating func decodeAll() {
        guard let e = encoded else { return }
        encoded = nil
        var all = e.decoded()
        all.append(contentsOf: list)
        list = all
    }

    private func firstIndex(atOrAfter minute: Int32) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].minute < minute { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
