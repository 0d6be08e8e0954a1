import KlaxonEngine
extension Evaluator {
    /// Companies whose window sums are held at once: the sums of a batch take
    /// `batch × width × 56` bytes (under 2 MB for two windows), where all
    /// 300,000 companies' sums at once took 34 MB and an array each.
    static let companiesPerBatch = 8_192

    /// The window sums of `companies[range]`, `width` per company in the order of
    /// their plan's `starts` (`CompanyBuckets.totals`). Decoding a day of buckets
    /// is most of summing, and each company's sums depend on its buckets alone:
    /// chunks of companies are summed on two threads.
    static func windowTotals(of companies: [Company], _ range: Range<Int>, plans: ScopePlans, to: Int32,
                             in buckets: [String: CompanyBuckets]) -> [MinuteBucket] {
        let width = plans.width
        guard width > 0 else { return [] }
        let chunk = companiesPerChunk
        let chunks = (range.count + chunk - 1) / chunk
        let parts = SharedWork.map(chunks: chunks, helped: range.count >= 2 * chunk) { c -> [MinuteBucket] in
            let lo = range.lowerBound + c * chunk, hi = min(lo + chunk, range.upperBound)
            var sums = [MinuteBucket](repeating: MinuteBucket(minute: 0), count: (hi - lo) * width)
            for i in lo..<hi {
                let starts = plans.plans[Int(plans.planOf[i])].starts
                guard !starts.isEmpty else { continue }
                let totals = buckets[companies[i].id]?.totals(from: starts, to: to) ?? starts.map { MinuteBucket(minute: $0) }
                for (k, total) in totals.enumerated() { sums[(i - lo) * width + k] = total }
            }
            return sums
        }
        return parts.count == 1 ? parts[0] : Array(parts.joined())
    }

    static let companiesPerChunk = 256
}
