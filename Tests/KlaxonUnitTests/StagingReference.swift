@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The plain computation that the staging structures are compared with: per
/// company, the minute buckets summed field by field in a dictionary, and the
/// calls kept in a list from which the failures after the last connected call
/// are picked at the end (file order deciding between equal times).
struct StagingReference {
    private(set) var buckets: [Int: [Int32: MinuteBucket]] = [:]
    private var calls: [Int: [(time: Int64, connected: Bool)]] = [:]

    mutating func add(_ b: MinuteBucket, company: Int) {
        var sum = buckets[company, default: [:]][b.minute, default: MinuteBucket(minute: b.minute)]
        sum.attempts += b.attempts
        sum.connected += b.connected
        sum.nerSuccesses += b.nerSuccesses
        sum.redirects += b.redirects
        sum.pddCount += b.pddCount
        sum.talkSeconds += b.talkSeconds
        sum.pddMillisecondsSum += b.pddMillisecondsSum
        sum.customerCharge += b.customerCharge
        sum.providerCharge += b.providerCharge
        buckets[company, default: [:]][b.minute] = sum
    }

    mutating func record(company: Int, time: Int64, connected: Bool) {
        calls[company, default: []].append((time, connected))
    }

    /// Company `i`'s buckets in minute order.
    func sortedBuckets(of i: Int) -> [MinuteBucket] {
        (buckets[i] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }

    /// Company `i`'s last connected time and the sorted times of the failures after it.
    func failures(of i: Int) -> (lastConnected: Int64, failures: [Int64]) {
        let list = Array((calls[i] ?? []).enumerated())
        let last = list.filter { $0.element.connected }.map { ($0.element.time, $0.offset) }.max { $0 < $1 } ?? (.min, -1)
        let after = list.filter { !$0.element.connected && ($0.element.time, $0.offset) > last }.map(\.element.time)
        return (last.0, after.sorted())
    }
}

/// A bucket of one call's worth of counts, with sums that vary in size so that
/// the encoded records vary in length.
func stagingBucket(minute: Int32, using generator: inout SplitMix64) -> MinuteBucket {
    var b = MinuteBucket(minute: minute)
    b.attempts = Int32.random(in: 1...5, using: &generator)
    b.connected = Int32.random(in: 0...b.attempts, using: &generator)
    b.nerSuccesses = b.connected
    b.redirects = Int32.random(in: 0...1, using: &generator)
    b.pddCount = b.attempts
    b.talkSeconds = Int64.random(in: 0...100_000, using: &generator)
    b.pddMillisecondsSum = Int64.random(in: 0...20_000, using: &generator)
    b.customerCharge = Int64.random(in: -1_000...50_000_000, using: &generator)
    b.providerCharge = Int64.random(in: 0...40_000_000, using: &generator)
    return b
}
