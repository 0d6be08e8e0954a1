import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The dense failure slots of a byte range must reduce calls exactly as a
/// `FileFailures` per company does: in time order, out of order, and past the
/// slot's room (where a company spills to a `FileFailures` of its own).
@Suite struct FailureStagingTests {
    private struct Call {
        var company: Int
        var time: Int64
        var connected: Bool
    }

    private func check(_ calls: [Call], companies: Int) {
        let staging = FailureStaging()
        staging.reserve(companies: companies)
        var reference = Array(repeating: FileFailures(), count: companies)
        for call in calls {
            staging.record(company: call.company, time: call.time, connected: call.connected)
            reference[call.company].record(time: call.time, connected: call.connected)
        }
        for i in 0..<companies {
            let staged = staging.failures(of: i)
            let expected = reference[i].finished()
            #expect(staged.lastConnected == expected.lastConnected, "company \(i)")
            #expect(staged.failures == expected.failures, "company \(i)")
        }
    }

    @Test func callsInTimeOrder() {
        var generator = SystemRandomNumberGenerator()
        var time: Int64 = 1_000
        let calls = (0..<5_000).map { _ -> Call in
            time += Int64.random(in: 0...3, using: &generator)
            return Call(company: Int.random(in: 0..<20, using: &generator), time: time, connected: Bool.random(using: &generator))
        }
        check(calls, companies: 20)
    }

    @Test func callsOutOfOrderAndLongFailureRuns() {
        var generator = SystemRandomNumberGenerator()
        let calls = (0..<5_000).map { _ in
            // Mostly failures, so that runs outgrow the slot; times jump back and forth.
            Call(company: Int.random(in: 0..<8, using: &generator), time: Int64.random(in: 0...400, using: &generator),
                 connected: Int.random(in: 0..<12, using: &generator) == 0)
        }
        check(calls, companies: 8)
    }

    @Test func aCompanyThatNeverConnectsKeepsEveryFailure() {
        let calls = (0..<50).map { Call(company: 1, time: Int64(100 - $0 % 7), connected: false) }
        check(calls, companies: 3)
        let staging = FailureStaging()
        staging.reserve(companies: 3)
        for call in calls { staging.record(company: call.company, time: call.time, connected: false) }
        #expect(staging.failures(of: 1).failures.count == 50)
        #expect(staging.failures(of: 0).failures.isEmpty && staging.failures(of: 0).lastConnected == .min)
    }
}

/// A range's buckets, encoded as they closed, are handed over as bytes: a
/// later range's bytes are appended, and a minute both ranges hold (the
/// minute a file was split in) is summed into the last bucket in place.
@Suite struct EncodedHandOverTests {
    private func bucket(_ minute: Int32, _ attempts: Int32, talk: Int64 = 0, charge: Int64 = 0) -> MinuteBucket {
        var b = MinuteBucket(minute: minute)
        b.attempts = attempts; b.connected = attempts / 2; b.talkSeconds = talk; b.customerCharge = charge
        return b
    }

    private func staged(_ buckets: [MinuteBucket]) -> EncodedBuckets {
        let runs = BucketRuns()
        runs.reserve(companies: 1)
        for b in buckets { runs.add(b, company: 0) }
        runs.group()
        return runs.encoded(of: 0)!
    }

    @Test func aSharedMinuteIsSummedAndLaterMinutesAppended() {
        let first = [bucket(10, 3, talk: 40), bucket(12, 1), bucket(15, 4, charge: -7)]
        let second = [bucket(15, 2, talk: 9_000, charge: 5), bucket(16, 1), bucket(20, 8)]
        var company = CompanyBuckets()
        company.append(encoded: staged(first))
        company.append(encoded: staged(second))
        var expected = CompanyBuckets()
        for b in first + second { expected.merge(b) }
        #expect(company.buckets == expected.buckets)
        #expect(company.buckets.map(\.minute) == [10, 12, 15, 16, 20])
        // Still all bytes: summed in place, not decoded into a list.
        #expect(company.parts.encoded?.count == 5 && company.parts.decoded.isEmpty)
        #expect(company.buckets[2].attempts == 6 && company.buckets[2].talkSeconds == 9_000 && company.buckets[2].customerCharge == -2)
        // A third range after the shared minute still finds where the last bucket starts.
        company.append(encoded: staged([bucket(20, 1), bucket(21, 1)]))
        #expect(company.buckets.map(\.minute) == [10, 12, 15, 16, 20, 21])
        #expect(company.buckets[4].attempts == 9)
        #expect(company.total(from: 15, to: 21).attempts == 6 + 1 + 9)
    }

    @Test func aSingleBucketRangeAndAnOverlapFallBackToAMerge() {
        var company = CompanyBuckets()
        company.append(encoded: staged([bucket(30, 1)]))
        company.append(encoded: staged([bucket(30, 2)]))
        #expect(company.buckets == [bucket(30, 3)])
        // Out of order: decoded and merged, not appended.
        company.append(encoded: staged([bucket(5, 1), bucket(30, 1), bucket(31, 1)]))
        #expect(company.buckets.map(\.minute) == [5, 30, 31])
        #expect(company.buckets[1].attempts == 4)
    }

    @Test func bucketsClosedOutOfOrderAreNotHandedOverAsBytes() {
        let runs = BucketRuns()
        runs.reserve(companies: 1)
        for minute: Int32 in [5, 3, 5, 4] { runs.add(bucket(minute, 1), company: 0) }
        runs.group()
        #expect(runs.encoded(of: 0) == nil)
        #expect(runs.buckets(of: 0).buckets.map(\.minute) == [3, 4, 5])
        #expect(runs.buckets(of: 0).buckets.map(\.attempts) == [1, 1, 2])
    }
}
