import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `consecutive_failures` against the plain definition: the calls sorted by
/// time (file order deciding within a second), the streak is the failures
/// after the last connected one. Files are applied as `Ingest` applies them.
@Suite struct FailureStreakOrderTests {
    private struct Call {
        var time: Int64
        var connected: Bool
    }

    /// The definition, with nothing clever: a stable sort, then a walk.
    private func reference(_ files: [[Call]]) -> Int {
        let calls = files.flatMap { $0 }.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
        var streak = 0
        for (_, call) in calls { streak = call.connected ? 0 : streak + 1 }
        return streak
    }

    /// What a run computes: each file staged (company 0 of a `FailureStaging`), then applied to the streak.
    private func staged(_ files: [[Call]]) -> Int {
        var streak = FailureStreak()
        for file in files {
            let staging = FailureStaging()
            staging.reserve(companies: 1)
            for call in file { staging.record(company: 0, time: call.time, connected: call.connected) }
            streak.apply(staging.failures(of: 0))
        }
        return streak.count
    }

    @Test func aFailureInTheSecondOfTheLastConnectedCallCountsWhenItComesAfterIt() {
        let file = [Call(time: 100, connected: false), Call(time: 160, connected: true), Call(time: 160, connected: false)]
        #expect(reference([file]) == 1)
        #expect(staged([file]) == 1)
        // Before it in file order, it is ended by the connected call.
        let before = [Call(time: 160, connected: false), Call(time: 160, connected: true)]
        #expect(staged([before]) == 0)
        // Across files: the later file's failure in that second comes after the connect.
        #expect(staged([[Call(time: 160, connected: true)], [Call(time: 160, connected: false)]]) == 1)
        #expect(staged([[Call(time: 160, connected: false)], [Call(time: 160, connected: true)]]) == 0)
        var streak = FailureStreak()
        streak.record(time: 160, connected: true)
        streak.record(time: 160, connected: false)
        #expect(streak.count == 1)
    }

    @Test func unsortedExportsMatchTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            let files = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    // Few distinct seconds, so that ties are common; mostly failures, so that runs outgrow the slot.
                    Call(time: Int64.random(in: 0...60, using: &generator), connected: Int.random(in: 0..<15, using: &generator) == 0)
                }
            }
            #expect(staged(files) == reference(files), "round \(round): \(files.map { $0.map { "\($0.time)\($0.connected ? "+" : "-")" } })")
        }
    }

    /// A down carrier in an export not sorted by time: 400,000 failures, a connected
    /// call near the start of the day. A sorted insert per failure would take hours here.
    @Test func manyUnsortedFailuresStageInLinearTime() {
        var generator = SystemRandomNumberGenerator()
        let day: Int64 = 86_400
        var calls = (0..<400_000).map { _ in Call(time: Int64.random(in: 0..<day, using: &generator), connected: false) }
        calls.insert(Call(time: 3_600, connected: true), at: 200_000)
        let expected = reference([calls])
        #expect(expected > 300_000)
        #expect(staged([calls]) == expected)
    }
}
