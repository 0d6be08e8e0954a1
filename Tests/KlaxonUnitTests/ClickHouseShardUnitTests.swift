import Foundation
import Testing
@testable import KlaxonTestSupport
@testable import KlaxonCore

/// The shard's pieces in process; their parity with real ClickHouse servers is in
/// ClickHouseShardTests (integration tier).
struct ClickHouseShardUnitTests {
    @Test func cityHash64GivesWhatClickHouseAnswered() {
        // Answered by chdb (ClickHouse 26) and 18.16 alike: SELECT cityHash64('…').
        #expect(CityHash64.hash("") == 11_160_318_154_034_397_263)
        #expect(CityHash64.hash("C100") == 12_199_082_857_794_083_123)
        #expect(CityHash64.hash("P10") == 7_839_104_279_068_867_290)
        #expect(CityHash64.hash("Café Olé") == 4_533_645_736_330_058_039)
        #expect(CityHash64.hash(String(repeating: "x", count: 70)) == 9_921_199_055_743_287_881)
        #expect(ClickHouseShard(count: 2, index: 1).holds("C100"))
        #expect(ClickHouseShard(count: 3, index: 2).condition("company") == "modulo(cityHash64(company), 3) = 2")
    }

    @Test func aSnapshotKeepsItsShardsRowsAndCountsTheOthers() {
        let shard = ClickHouseShard(count: 2, index: 1)
        let ids = (0..<40).map { "K\($0)" }
        var snapshot = BalanceFileReader.Snapshot()
        snapshot.companies = ids.map { Company(id: $0, type: .customer) }
        snapshot.lostIDs = ["L1", "L2", "L3", "L4"]
        var report = FileReport(input: "balances", name: "b.csv", outcome: .taken)
        report.folded = 40
        snapshot.keep(shard, report: &report)
        #expect(snapshot.companies.map(\.id) == ids.filter(shard.holds))
        #expect(snapshot.lostIDs == Set(["L1", "L2", "L3", "L4"].filter(shard.holds)))
        #expect(report.folded + (report.otherShards ?? 0) == 40 && report.folded == snapshot.companies.count)
        #expect(report.folded > 0 && report.otherShards ?? 0 > 0)
        var run = RunReport(job: "j", now: "2026-11-27T01:00:00Z", dryRun: false)
        run.files = [report]
        #expect(RunSummary.text(run).contains("balances/b.csv: \(report.folded) snapshot rows of this shard kept, \(40 - report.folded) of other shards left to them"))
    }

    @Test func aStateDropsWhatItHeldOfOtherShards() {
        let shard = ClickHouseShard(count: 2, index: 0)
        var state = KlaxonState()
        let ids = (0..<30).map { "K\($0)" }
        for id in ids {
            state.meta.companies[id] = CompanyRecord(company: Company(id: id, type: .carrier), inSnapshot: true, lastSeen: 0)
            state.meta.failureStreaks[id] = FailureStreak()
            state.meta.instances[AlertInstance.key(alert: "ASR", company: id)] = AlertInstance(alert: "ASR", company: id)
        }
        let gone = state.dropCompanies(outside: shard)
        #expect(gone == ids.filter { !shard.holds($0) }.sorted() && !gone.isEmpty)
        #expect(Set(state.meta.companies.keys) == Set(ids.filter(shard.holds)))
        #expect(Set(state.meta.failureStreaks.keys) == Set(ids.filter(shard.holds)))
        #expect(state.meta.instances.count == ids.filter(shard.holds).count)
        #expect(state.dropCompanies(outside: shard).isEmpty, "a second run drops nothing more")
    }
}
