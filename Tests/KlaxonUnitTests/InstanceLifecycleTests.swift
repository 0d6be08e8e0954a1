import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct InstanceLifecycleTests {
    func job(_ scratch: Scratch, alerts: String) throws -> Job {
        try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ \(alerts) ] }
        """)
    }

    let asr = "{ title: \"ASR\", scope: { type: \"customer\" }, to: [\"noc@example.com\"], area: \"asr\", operator: \"<\", threshold: 50, sample_period: \"1h\", min_calls: 1 }"
    let attempts = "{ title: \"Busy\", scope: { type: \"customer\" }, to: [\"noc@example.com\"], area: \"attempts\", operator: \">\", threshold: 100, sample_period: \"1h\" }"

    @Test func anAlertRemovedFromTheJobDropsItsInstancesAndSaysSo() throws {
        let scratch = Scratch()
        scratch.write("drop/1.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,0,503,,0,0\n")
        _ = try Runner(job: try job(scratch, alerts: asr + "," + attempts), options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let report = try Runner(job: try job(scratch, alerts: attempts), options: RunOptions(now: at("2026-11-27T02:00:00Z"), deliverTo: scratch.url("out"))).run()
        #expect(report.dropped == ["ASR / C1: the alert is no longer in the job"])
        let state = try StateStore(directory: scratch.url("state")).load()
        #expect(state.meta.instances.keys.allSatisfy { $0.hasPrefix("Busy") })
    }

    @Test func aCompanyAbsentForThirtyDaysIsForgottenWithItsInstances() throws {
        let scratch = Scratch()
        let j = try job(scratch, alerts: asr)
        scratch.write("drop/1.csv", cdrHeader + "2026-11-27 00:10:00,x,C1,P1,1,0,503,,0,0\n")
        _ = try Runner(job: j, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        let day29 = try Runner(job: j, options: RunOptions(now: at("2026-12-26T00:00:00Z"), deliverTo: scratch.url("out"))).run()
        #expect(day29.dropped.isEmpty)
        let day31 = try Runner(job: j, options: RunOptions(now: at("2026-12-28T02:00:00Z"), deliverTo: scratch.url("out"))).run()
        #expect(day31.dropped.contains("ASR / C1: the company has not been in the data for 30 days"))
        #expect(try StateStore(directory: scratch.url("state")).load().meta.companies["C1"] == nil)
    }

    @Test func aRepeatOfAPenaltyAlertExtendsThePenaltyAndNeverShortensIt() {
        var penalties: [String: Penalty] = [:]
        let company = Company(id: "P1", type: .carrier)
        let alert = AlertDefinition(title: "A", file: "j", scope: .company("P1"), recipients: [], area: .asr, comparison: .lessThan,
                                    threshold: 20, resetThreshold: nil, samplePeriod: TimeSpan(seconds: 3600), minCalls: 1,
                                    penalty: TimeSpan(seconds: 3600), template: "alert", repeatEvery: nil, level: .error, sendReset: false, script: nil)
        #expect(PenaltyBook.apply(&penalties, company: company, alert: alert, duration: TimeSpan(seconds: 7200), now: 0)?.kind == .apply)
        #expect(PenaltyBook.apply(&penalties, company: company, alert: alert, duration: TimeSpan(seconds: 3600), now: 1800) == nil, "until stays at max(current, now + D)")
        #expect(penalties["P1"]?.until == 7200)
        #expect(PenaltyBook.apply(&penalties, company: company, alert: alert, duration: TimeSpan(seconds: 3600), now: 5400)?.kind == .extend)
        #expect(penalties["P1"]?.until == 9000)
        #expect(PenaltyBook.lift(&penalties, now: 8999).isEmpty)
        #expect(PenaltyBook.lift(&penalties, now: 9000).map(\.kind) == [.lift])
    }

    @Test func csvCellsThatASpreadsheetWouldRunAreNeutralised() {
        #expect(CSVCell.escape("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVCell.escape("+1") == "'+1")
        #expect(CSVCell.escape("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVCell.escape("-12.5") == "-12.5", "a negative number is data")
        #expect(CSVCell.escape("-cmd") == "'-cmd")
        #expect(CSVCell.escape("plain") == "plain")
    }
}

@Suite struct MissingFromSnapshotTests {
    @Test func aCompanyMissingFromTheNewSnapshotHasNoBalanceAndKeepsItsState() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop" } }, email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Low", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10, reset_threshold: 20 } ] }
        """)
        scratch.write("drop/b1.csv", "id,credit\nC1,5\nC2,50\n")
        let first = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z"), deliverTo: scratch.url("out"))).run()
        #expect(first.decisions.contains { $0.company == "C1" && $0.decision == .fired })
        scratch.write("drop/b2.csv", "id,credit\nC2,50\n")
        let second = try Runner(job: job, options: RunOptions(now: at("2026-11-27T02:00:00Z"), deliverTo: scratch.url("out"))).run()
        #expect(second.decisions.contains { $0.company == "C1" && $0.decision == .missing })
        let state = try StateStore(directory: scratch.url("state")).load()
        #expect(state.meta.instances[AlertInstance.key(alert: "Low", company: "C1")]?.status == .triggered)
    }
}
