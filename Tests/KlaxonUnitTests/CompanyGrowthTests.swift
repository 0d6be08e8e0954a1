import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The per-company arrays (`CompanyArray`) start with room for 1,024
/// companies and move to a bigger block when a range meets more. What was
/// staged before a move must survive it, and companies met after it must be
/// staged as well, both in `BucketRuns` and `FailureStaging`: compared with a
/// plain per-company reference, directly and through a whole CDR file.
@Suite struct CompanyGrowthTests {
    @Test func aCompanyArrayKeepsItsElementsAcrossGrowths() {
        var array = CompanyArray<Int>()
        #expect(array.count == 0 && array.capacity == 0)
        array.grow(to: 3, with: -1)
        #expect(array.capacity == CompanyArray<Int>.minimumCapacity)
        for i in 0..<3 { array[i] = i * 7 }
        // One by one, as a range meets its companies: past the first and the second room.
        for n in 4...2_500 {
            array.grow(to: n, with: -1)
            array[n - 1] = (n - 1) * 7
        }
        #expect(array.count == 2_500)
        #expect(array.capacity == 4 * CompanyArray<Int>.minimumCapacity)
        #expect((0..<2_500).allSatisfy { array[$0] == $0 * 7 })
        // Growing to fewer companies changes nothing.
        array.grow(to: 10, with: -1)
        #expect(array.count == 2_500 && array[9] == 63)
        let consistent = array.verifyInvariants()
        #expect(consistent)
    }

    @Test func stagingPastTheFirstGrowthMatchesThePlainReference() {
        let companies = 3_000
        let runs = BucketRuns()
        let failures = FailureStaging()
        var reference = StagingReference()
        var generator = SplitMix64(seed: 1_024)
        var met = 0
        for row in 0..<60_000 {
            // New companies keep arriving through the first two thirds, as in a day's export.
            if met < companies && (row % 20 == 0 || met < 10) {
                met += 1
                runs.reserve(companies: met)
                failures.reserve(companies: met)
            }
            let company = Int.random(in: 0..<met, using: &generator)
            // Mostly in minute order, sometimes a minute back (an export out of order).
            let minute = Int32(29_000_000 + row / 40 - (Int.random(in: 0..<50, using: &generator) == 0 ? 7 : 0))
            let bucket = stagingBucket(minute: minute, using: &generator)
            runs.add(bucket, company: company)
            reference.add(bucket, company: company)
            let time = Int64(minute) * 60 + Int64.random(in: 0..<60, using: &generator)
            let connected = Int.random(in: 0..<4, using: &generator) == 0
            failures.record(company: company, time: time, connected: connected)
            reference.record(company: company, time: time, connected: connected)
        }
        #expect(met == companies)
        #expect(runs.companies == companies && failures.companies == companies)
        runs.group()
        #expect(runs.verifyInvariants() && failures.verifyInvariants())
        var mismatches: [Int] = []
        for i in 0..<companies {
            let expected = reference.sortedBuckets(of: i)
            let staged = runs.buckets(of: i).buckets
            let streak = failures.failures(of: i)
            let expectedStreak = reference.failures(of: i)
            if staged != expected || streak.lastConnected != expectedStreak.lastConnected || streak.failures != expectedStreak.failures {
                mismatches.append(i)
            }
        }
        #expect(mismatches.isEmpty, "companies differing from the reference: \(mismatches.prefix(20))")
        // Companies past the first room did get calls (so the test reaches them).
        #expect((1_024..<companies).contains { !reference.sortedBuckets(of: $0).isEmpty })
    }

    @Test func aFileWithMoreCompaniesThanTheFirstRoomReadsAsThePlainReference() throws {
        let customers = 2_500, carriers = 40
        var generator = SplitMix64(seed: 77)
        var text = cdrHeader
        let base = 1_795_741_200 - 3_600  // 2026-11-27 00:00 UTC, the hour before the reference's `now`
        for row in 0..<7_500 {
            let t = base + row * 3_600 / 7_500
            let customer = row < customers ? row : Int.random(in: 0..<customers, using: &generator)
            let carrier = Int.random(in: 0..<carriers, using: &generator)
            let answered = Int.random(in: 0..<3, using: &generator) > 0
            let stamp = String(format: "2026-11-27 00:%02d:%02d", (t - base) / 60, (t - base) % 60)
            let fields = [stamp, "c\(row)", "C\(customer)", "P\(carrier)", "4420\(row)",
                          answered ? "\(Int.random(in: 1...900, using: &generator))" : "0",
                          answered ? "200" : "486", "\(Int.random(in: 100...3_000, using: &generator))",
                          answered ? "0.0\(Int.random(in: 10...99, using: &generator))" : "0", answered ? "0.01" : ""]
            text += fields.joined(separator: ",") + "\n"
        }
        let tests = IngestReferenceTests()
        let (state, report) = try tests.fastPath(text, splitThreshold: Int.max, snapshot: nil)
        #expect(report.folded == 7_500)
        #expect(state.buckets.count == customers + carriers)
        try tests.expectSame(text, splitThreshold: Int.max, snapshot: nil)
        try tests.expectSame(text, splitThreshold: 1, snapshot: nil)
    }
}
