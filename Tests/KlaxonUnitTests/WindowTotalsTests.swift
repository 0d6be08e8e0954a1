import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `CompanyBuckets.totals(from:to:)`, which sums a company's windows in one
/// pass, against `total(from:to:)` window by window.
@Suite("Window totals")
struct WindowTotalsTests {
    static func bucket(_ minute: Int32, _ random: inout SplitMix64) -> MinuteBucket {
        var b = MinuteBucket(minute: minute)
        b.attempts = Int32(random.next() % 50); b.connected = Int32(random.next() % 30); b.nerSuccesses = Int32(random.next() % 30)
        b.redirects = Int32(random.next() % 3); b.pddCount = Int32(random.next() % 20); b.talkSeconds = Int64(random.next() % 9_000)
        b.pddMillisecondsSum = Int64(random.next() % 90_000); b.customerCharge = Int64(random.next() % 5_000_000) - 1_000_000
        b.providerCharge = Int64(random.next() % 4_000_000)
        return b
    }

    /// Buckets still encoded as loaded, then decoded ones after them (an hourly run's shape).
    static func companyBuckets(_ random: inout SplitMix64, encoded: Int, decoded: Int) -> CompanyBuckets {
        var minute: Int32 = 29_000_000 + Int32(random.next() % 100)
        var list: [MinuteBucket] = []
        for _ in 0..<encoded { minute += 1 + Int32(random.next() % 3); list.append(bucket(minute, &random)) }
        var scratch: [UInt8] = []
        var buckets = EncodedBuckets(encoding: list, scratch: &scratch).map { CompanyBuckets(encoded: $0) } ?? CompanyBuckets()
        for _ in 0..<decoded { minute += 1 + Int32(random.next() % 3); buckets.merge(bucket(minute, &random)) }
        return buckets
    }

    @Test("one, two and three windows sum as total(from:to:) does, whatever their order")
    func sameAsTotal() {
        var random = SplitMix64(seed: 0x70_7A15)
        for round in 0..<300 {
            let buckets = Self.companyBuckets(&random, encoded: Int(random.next() % 400), decoded: Int(random.next() % 100))
            let first = 29_000_000 + Int32(random.next() % 300)
            let to = first + Int32(random.next() % 900)
            let count = 1 + round % 3
            let starts = (0..<count).map { _ in to - Int32(random.next() % 1_000) }
            #expect(buckets.totals(from: starts, to: to) == starts.map { buckets.total(from: $0, to: to) }, "round \(round)")
        }
        #expect(CompanyBuckets().totals(from: [5, 3], to: 9) == [MinuteBucket(minute: 5), MinuteBucket(minute: 3)])
    }
}
