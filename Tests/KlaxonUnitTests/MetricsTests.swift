import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct MetricsTests {
    func call(_ time: Int64 = 0, duration: Int64 = 0, code: Int? = 200, pdd: Int64? = nil, charge: Int64 = 0, cost: Int64 = 0) -> CallRecord {
        CallRecord(time: time, durationSeconds: duration, sipCode: code, pddMilliseconds: pdd, customerCharge: charge, providerCharge: cost)
    }

    func window(_ calls: [CallRecord]) -> MinuteBucket {
        var b = MinuteBucket(minute: 0)
        for c in calls { b.add(c) }
        return b
    }

    @Test func asrAcdPddAndMinutesFollowTheirDefinitions() {
        let w = window([call(duration: 100, pdd: 1000), call(duration: 50, pdd: 3000), call(code: 486), call(code: 503, pdd: 2000)])
        let c = Company(id: "C1")
        #expect(MetricCalculator.value(of: .asr, window: w, company: c, failures: nil, minCalls: 1) == .value(50))
        #expect(MetricCalculator.value(of: .acd, window: w, company: c, failures: nil, minCalls: 1) == .value(75))
        #expect(MetricCalculator.value(of: .pdd, window: w, company: c, failures: nil, minCalls: 1) == .value(2000))
        #expect(MetricCalculator.value(of: .minutes, window: w, company: c, failures: nil, minCalls: 1) == .value(2.5))
        #expect(MetricCalculator.value(of: .attempts, window: w, company: c, failures: nil, minCalls: 1) == .value(4))
    }

    @Test func nerCountsUserBusyAndDeclineAsSuccessAndLeavesRedirectsOut() {
        // 200, 486, 603 succeed; 503 fails; 302 is left out of the denominator.
        let w = window([call(duration: 10), call(code: 486), call(code: 603), call(code: 503), call(code: 302)])
        #expect(MetricCalculator.value(of: .ner, window: w, company: Company(id: "C"), failures: nil, minCalls: 1) == .value(75))
    }

    @Test func nersMinCallsCountsTheCallsWithout3xxItDividesBy() {
        // 20 attempts, 15 of them redirected: 5 calls in NER's denominator, short of 10.
        let redirected = window(Array(repeating: call(code: 302), count: 15) + Array(repeating: call(duration: 10), count: 5))
        let c = Company(id: "C")
        #expect(MetricCalculator.value(of: .ner, window: redirected, company: c, failures: nil, minCalls: 10)
                == .insufficientData(have: 5, need: 10, of: .callsWithout3xx))
        let enough = window(Array(repeating: call(code: 302), count: 3) + Array(repeating: call(code: 503), count: 10))
        #expect(MetricCalculator.value(of: .ner, window: enough, company: c, failures: nil, minCalls: 10) == .value(0))
    }

    @Test func spendUsesTheChargeOfTheCompanysRoleAndProfitTheDifference() {
        let w = window([call(duration: 60, charge: 1_500_000, cost: 1_000_000), call(duration: 60, charge: 500_000, cost: 250_000)])
        #expect(MetricCalculator.value(of: .spend, window: w, company: Company(id: "C", type: .customer), failures: nil, minCalls: 1) == .value(2.0))
        #expect(MetricCalculator.value(of: .spend, window: w, company: Company(id: "P", type: .carrier), failures: nil, minCalls: 1) == .value(1.25))
        #expect(MetricCalculator.value(of: .profit, window: w, company: Company(id: "C"), failures: nil, minCalls: 1) == .value(0.75))
    }

    @Test func ratiosBelowMinCallsHaveNoValueAndAcdCountsConnectedCalls() {
        let w = window(Array(repeating: call(code: 503), count: 9) + [call(duration: 30)])
        let c = Company(id: "C")
        #expect(MetricCalculator.value(of: .asr, window: w, company: c, failures: nil, minCalls: 10) == .value(10))
        #expect(MetricCalculator.value(of: .asr, window: w, company: c, failures: nil, minCalls: 11) == .insufficientData(have: 10, need: 11))
        #expect(MetricCalculator.value(of: .acd, window: w, company: c, failures: nil, minCalls: 2) == .insufficientData(have: 1, need: 2, of: .connectedCalls))
    }

    @Test func connectedFollowsDurationWhenThereIsNoSipCode() {
        let w = window([call(duration: 5, code: nil), call(duration: 0, code: nil)])
        #expect(w.connected == 1)
    }

    @Test func balanceAndAvailableCreditComeFromTheSnapshot() {
        let c = Company(id: "C", credit: -45, debitLimit: 50)
        let empty = MinuteBucket(minute: 0)
        #expect(MetricCalculator.value(of: .balance, window: empty, company: c, failures: nil, minCalls: 10) == .value(-45))
        #expect(MetricCalculator.value(of: .availableCredit, window: empty, company: c, failures: nil, minCalls: 10) == .value(5))
        #expect(MetricCalculator.value(of: .balance, window: empty, company: Company(id: "X"), failures: nil, minCalls: 10) == .missing)
    }

    @Test func windowsCoverWholeMinutesFromMMinusPUpToButExcludingM() {
        var buckets = CompanyBuckets()
        for minute in [99, 100, 159, 160] as [Int32] {
            var b = MinuteBucket(minute: minute)
            b.attempts = minute
            buckets.merge(b)
        }
        // now = 160:30 → m = 160; a 60-minute window is [100, 160).
        let total = buckets.total(from: 100, to: 160)
        #expect(total.attempts == 100 + 159)
    }

    @Test func bucketsMergeOutOfOrderIntoSortedMinutes() {
        var buckets = CompanyBuckets()
        for minute in [5, 3, 9, 3, 1] as [Int32] {
            var b = MinuteBucket(minute: minute)
            b.attempts = 1
            buckets.merge(b)
        }
        #expect(buckets.buckets.map(\.minute) == [1, 3, 5, 9])
        #expect(buckets.buckets.first { $0.minute == 3 }?.attempts == 2)
        buckets.prune(before: 4)
        #expect(buckets.buckets.map(\.minute) == [5, 9])
    }

    @Test func consecutiveFailuresCountFailuresAfterTheLastConnectEvenOutOfOrder() {
        var streak = FailureStreak()
        streak.record(time: 10, connected: false)
        streak.record(time: 20, connected: true)
        streak.record(time: 30, connected: false)
        streak.record(time: 31, connected: false)
        #expect(streak.count == 2)
        // A late file: a failure before the last connect does not count; a connect after them clears them.
        streak.record(time: 15, connected: false)
        #expect(streak.count == 2)
        streak.record(time: 30, connected: true)
        #expect(streak.count == 1)
        streak.record(time: 40, connected: true)
        #expect(streak.count == 0)
    }
}

/// Staged buckets hold talk seconds and PDD sums in 32 bits; what does not fit
/// goes into another staged bucket of the same minute, summed back when handed over.
@Suite struct StagedBucketTests {
    @Test func aStagedBucketTakes48Bytes() {
        #expect(MemoryLayout<StagedBucket>.stride == 48)
    }

    @Test func sumsBeyond32BitsAreStagedApartAndSummedExactly() {
        let runs = BucketRuns()
        runs.reserve(companies: 1)
        let long = CallRecord(time: 600, durationSeconds: 3_000_000_000, sipCode: 200, pddMilliseconds: 2_000_000_000,
                              customerCharge: 5, providerCharge: 3)
        for _ in 0..<3 { runs.add(long, minute: 10, company: 0) }
        var wide = MinuteBucket(minute: 11)
        wide.attempts = 4; wide.talkSeconds = -9_000_000_000; wide.pddMillisecondsSum = 7
        runs.add(wide, company: 0)
        runs.add(CallRecord(time: 540, durationSeconds: 1, sipCode: 486, pddMilliseconds: nil, customerCharge: 0, providerCharge: 0),
                 minute: 9, company: 0)
        let buckets = runs.buckets(of: 0).buckets
        #expect(buckets.map(\.minute) == [9, 10, 11])
        #expect(buckets[1].attempts == 3 && buckets[1].connected == 3 && buckets[1].nerSuccesses == 3)
        #expect(buckets[1].talkSeconds == 9_000_000_000 && buckets[1].pddMillisecondsSum == 6_000_000_000)
        #expect(buckets[1].pddCount == 3 && buckets[1].customerCharge == 15 && buckets[1].providerCharge == 9)
        #expect(buckets[2].attempts == 4 && buckets[2].talkSeconds == -9_000_000_000 && buckets[2].pddMillisecondsSum == 7)
        #expect(buckets[0].attempts == 1 && buckets[0].nerSuccesses == 1 && buckets[0].talkSeconds == 0)
    }
}
