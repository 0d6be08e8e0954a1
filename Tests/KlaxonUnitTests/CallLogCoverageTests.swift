import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The call log keeps of each company only the calls some call-log alert whose
/// scope includes it can look at, and none older than the log's window; a
/// company that enters a scope later has its windows uncovered until they start
/// after it entered.
@Suite struct CallLogCoverageTests {
    static let table = "prefix,name,group\n53,Cuba,high_risk\n44,United Kingdom,\n"
    static let jobText = """
    { state: "state", destinations: { file: "prefixes.csv" },
      inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
      alerts: [
        { title: "Cuba", scope: { type: "customer" }, to: [], by: "destination", destinations: ["group:high_risk"],
          area: "calls_per_minute", operator: ">=", threshold: 3, sample_period: "1h" },
        { title: "Concurrent", scope: { type: "customer", tag: "watched" }, to: [], area: "concurrent_calls",
          operator: ">=", threshold: 2, sample_period: "1h" },
        { title: "Spend", scope: { type: "customer" }, to: [], area: "spend", operator: ">", threshold: 1e9, sample_period: "24h" } ] }
    """
    static let header = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge\n"

    /// Two overlapping calls of `customer` through P1 at `hour`:10, one to Cuba, one to the UK.
    static func calls(_ customer: String, hour: String) -> String {
        "2026-11-27 \(hour):10:00,\(customer)-\(hour)-a,\(customer),P1,5371234567,100,200,900,0.1,0.05\n"
            + "2026-11-27 \(hour):10:30,\(customer)-\(hour)-b,\(customer),P1,4412345678,100,200,900,0.1,0.05\n"
    }

    func run(_ scratch: Scratch, snapshot: String, cdrs: String, name: String, now: String, state: inout KlaxonState) throws -> Evaluator.Result {
        scratch.write("prefixes.csv", Self.table)
        let job = try scratch.job(Self.jobText)
        scratch.write("drop/balances/b-\(name).csv", snapshot)
        scratch.write("drop/cdrs/\(name).csv", Self.header + cdrs)
        _ = try Ingest(job: job, now: epoch(now), wallClock: Date()).run(&state)
        let result = Evaluator(job: job, now: epoch(now)).evaluate(&state)
        state.rollUpAndPrune(before: job.oldestKeptMinute(now: epoch(now)), job: job, now: epoch(now))
        state = try StateFile.decode(StateFile.encode(state))
        return result
    }

    @Test func onlyTheCallsAnAlertCanLookAtAreLogged() throws {
        var state = KlaxonState()
        let snapshot = "id,type,tags\nC1,customer,watched\nC2,customer,\nP1,carrier,\n"
        // 22:10 the day before is in the buckets of the 24h alert but before the 1h window of a run
        // at 01:00; 00:10 is inside it.
        let cdrs = Self.calls("C1", hour: "00") + Self.calls("C2", hour: "00") + Self.calls("C1", hour: "22").replacingOccurrences(of: "2026-11-27 22", with: "2026-11-26 22")
        _ = try run(Scratch(), snapshot: snapshot, cdrs: cdrs, name: "a", now: "2026-11-27T01:00:00Z", state: &state)
        let log = try #require(state.meta.fraud?.log)
        let at = epoch("2026-11-27T00:10:00Z")
        #expect(log.calls["C1"]?.map(\.time) == [at, at + 30], "a watched customer: every call of the window")
        #expect(log.calls["C2"]?.map { log.name(of: $0.destination) } == ["Cuba"], "another customer: its high-risk calls only")
        #expect(log.calls["P1"] == nil, "no alert looks at carriers")
        #expect(log.coverage == ["C1": "*", "C2": "Cuba", "P1": ""])
        #expect(log.companySince.isEmpty)
    }

    @Test func aCompanyEnteringAScopeIsUncoveredUntilItsWindowStartsAfter() throws {
        let scratch = Scratch()
        var state = KlaxonState()
        _ = try run(scratch, snapshot: "id,type,tags\nC1,customer,watched\nC2,customer,\n",
                    cdrs: Self.calls("C1", hour: "00") + Self.calls("C2", hour: "00"), name: "a", now: "2026-11-27T01:00:00Z", state: &state)
        #expect(state.meta.fraud?.log?.calls["C2"]?.count == 1)
        // C2 is tagged at 02:00: its UK calls before were not logged.
        let second = try run(scratch, snapshot: "id,type,tags\nC1,customer,watched\nC2,customer,watched\n",
                             cdrs: Self.calls("C1", hour: "01") + Self.calls("C2", hour: "01"), name: "b", now: "2026-11-27T02:00:00Z", state: &state)
        func concurrent(_ result: Evaluator.Result, _ company: String) -> InstanceDecision? {
            result.decisions.first { $0.alert == "Concurrent" && $0.company == company }
        }
        #expect(concurrent(second, "C1")?.value == 2)
        #expect(concurrent(second, "C2")?.decision == .insufficientData)
        #expect(state.meta.fraud?.log?.companySince["C2"] == Int32(epoch("2026-11-27T02:00:00Z") / 60))
        let third = try run(scratch, snapshot: "id,type,tags\nC1,customer,watched\nC2,customer,watched\n",
                            cdrs: Self.calls("C1", hour: "02") + Self.calls("C2", hour: "02"), name: "c", now: "2026-11-27T03:00:00Z", state: &state)
        #expect(concurrent(third, "C2")?.value == 2, "a window that starts after it entered is whole")
        #expect(state.meta.fraud?.log?.companySince.isEmpty == true, "forgotten once no window reaches before it")
    }

    @Test func aCompanyEnteringAScopeKeepsTheAlertsThatWatchedItAlready() throws {
        let scratch = Scratch()
        var state = KlaxonState()
        _ = try run(scratch, snapshot: "id,type,tags\nC1,customer,watched\nC2,customer,\n",
                    cdrs: Self.calls("C1", hour: "00") + Self.calls("C2", hour: "00"), name: "a", now: "2026-11-27T01:00:00Z", state: &state)
        // Tagged at 02:00: its Cuba calls were logged all along, only its UK calls were not.
        let second = try run(scratch, snapshot: "id,type,tags\nC1,customer,watched\nC2,customer,watched\n",
                             cdrs: Self.calls("C1", hour: "01") + Self.calls("C2", hour: "01"), name: "b", now: "2026-11-27T02:00:00Z", state: &state)
        func decision(_ alert: String, _ company: String) -> InstanceDecision? {
            second.decisions.first { $0.alert == alert && $0.company == company }
        }
        #expect(state.meta.fraud?.log?.companyBefore["C2"] == "Cuba")
        #expect(decision("Concurrent", "C2")?.decision == .insufficientData, "its UK calls before 02:00 are not in the log")
        #expect(decision("Cuba", "C2")?.decision != .insufficientData, "the Cuba alert watched it before and still sees every call")
        #expect(decision("Cuba", "C2")?.value == 1)
    }

    @Test func aLogFromBeforeCoverageKeepsItsCallsAndCoversEveryCompany() throws {
        var state = KlaxonState()
        var log = CallLog(watch: "*", since: nil)
        let call = LoggedCall(CallRecord(time: epoch("2026-11-27T00:30:00Z"), durationSeconds: 5, sipCode: 200, pddMilliseconds: nil,
                                         customerCharge: 0, providerCharge: 0), number: 1, destination: -1)
        log.append([call], company: "C2")
        state.meta.fraud = FraudState()
        state.meta.fraud?.log = log
        state.meta.companies["C2"] = CompanyRecord(company: Company(id: "C2", type: .customer, tags: ["watched"]), inSnapshot: true, lastSeen: 0)
        state.meta.ledger.entries["cdrs/old.csv"] = FileLedger.Entry(size: 1, modified: 0, digest: "d", outcome: .taken, takenAt: 0)
        state = try StateFile.decode(StateFile.encode(state))
        #expect(state.meta.fraud?.log?.coverage == nil)
        let scratch = Scratch()
        scratch.write("prefixes.csv", Self.table)
        let job = try scratch.job(Self.jobText)
        state.prepareCallLog(watch: CallWatch(job: job), nowMinute: Int32(epoch("2026-11-27T01:00:00Z") / 60))
        #expect(state.meta.fraud?.log?.calls["C2"] == [call])
        #expect(state.meta.fraud?.log?.companySince.isEmpty == true)
        #expect(state.meta.fraud?.log?.coverage == ["C2": "*"])
    }

    @Test func theReaderIsToldEachCompanysCoverageSoThatItStagesOnlyThat() throws {
        let scratch = Scratch()
        scratch.write("prefixes.csv", Self.table)
        let job = try scratch.job(Self.jobText)
        var state = KlaxonState()
        for (id, type, tags) in [("C1", Company.Kind.customer, ["watched"]), ("C2", .customer, []), ("P1", .carrier, [])] {
            state.meta.companies[id] = CompanyRecord(company: Company(id: id, type: type, tags: tags), inSnapshot: true, lastSeen: 0)
        }
        let prepared = state.prepareCallLog(watch: CallWatch(job: job), nowMinute: 0)
        let watch = try #require(prepared)
        let table = try #require(job.destinations)
        let (cuba, uk) = (try #require(table.index(of: "Cuba")), try #require(table.index(of: "United Kingdom")))
        let (c1, c2, p1) = (try #require(watch.companies["C1"]), try #require(watch.companies["C2"]), try #require(watch.companies["P1"]))
        #expect(watch.keeps(cuba, coverage: c1) && watch.keeps(uk, coverage: c1) && watch.keeps(DestinationIndex.other, coverage: c1))
        #expect(watch.keeps(cuba, coverage: c2) && !watch.keeps(uk, coverage: c2) && !watch.keeps(DestinationIndex.other, coverage: c2))
        #expect(!watch.keeps(cuba, coverage: p1))
        #expect(watch.keeps(uk, coverage: -1), "a company new in the run: everything watched is staged, appendCalls keeps what it must")
    }
}
