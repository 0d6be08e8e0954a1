import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite("Pruning the buckets at the end of a run")
struct PruneTests {
    @Test("old buckets go, companies left with none go, the rest stay as they were")
    func prunesInPlace() {
        func buckets(_ minutes: [Int32]) -> CompanyBuckets { CompanyBuckets(buckets: minutes.map { MinuteBucket(minute: $0) }) }
        var scratch: [UInt8] = []
        var all: [String: CompanyBuckets] = [
            "old": buckets([1, 2, 3]),
            "mixed": buckets([5, 9, 10, 11]),
            "new": buckets([10, 12]),
            "encoded": CompanyBuckets(encoded: EncodedBuckets(encoding: [MinuteBucket(minute: 8), MinuteBucket(minute: 10)], scratch: &scratch)!),
        ]
        Runner.prune(&all, before: 10)
        #expect(all == ["mixed": buckets([10, 11]), "new": buckets([10, 12]), "encoded": buckets([10])])
        Runner.prune(&all, before: 10)
        #expect(all.count == 3)
        Runner.prune(&all, before: 100)
        #expect(all.isEmpty)
    }
}
