import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// FreeSWITCH (mod_cdr_csv `example` template) and Asterisk (cdr_csv Master.csv)
/// exports, read as the switches write them.
@Suite struct SwitchFormatTests {
    /// The fixtures hold the same calls as fixtures/cdrs, written by each switch in its
    /// own local time: every count must come out as from the ConnexCS export.
    @Test(arguments: [("freeswitch", "America/New_York"), ("asterisk", "Europe/Paris")])
    func theSameCallsGiveTheSameMetricsAsTheConnexCSExport(format: String, zone: String) throws {
        let scratch = Scratch()
        let (reference, _) = try ingestCDRs(folder: Repository.path("fixtures/cdrs"), format: "connexcs", now: "2026-11-27T02:00:00Z", scratch: scratch)
        let (state, reports) = try ingestCDRs(folder: Repository.path("fixtures/\(format)"), format: format, timezone: zone,
                                              pattern: "Master.csv*", now: "2026-11-27T02:00:00Z", scratch: scratch)
        #expect(reports.map(\.outcome) == [.taken, .taken])
        #expect(reports.allSatisfy { $0.rejectedRows == 0 }, "\(reports.flatMap(\.rejections).prefix(3))")
        #expect(reports.reduce(0) { $0 + $1.rows } == 3_060)
        // FreeSWITCH's template names no carrier; Asterisk's dstchannel does.
        let companies = format == "freeswitch" ? ["C100", "C200", "C300", "C400", "C500"] : ["C100", "C200", "C300", "C400", "C500", "P10", "P20", "P30"]
        #expect(state.buckets.keys.sorted() == companies)
        for company in companies {
            for (from, to) in [("2026-11-27T00:00:00Z", "2026-11-27T02:00:00Z"), ("2026-11-27T01:00:00Z", "2026-11-27T02:00:00Z"), ("2026-11-27T00:17:00Z", "2026-11-27T00:18:00Z")] {
                let mine = state.total(company, from: from, to: to), theirs = reference.total(company, from: from, to: to)
                #expect(mine.attempts == theirs.attempts, "\(format) \(company) attempts \(from)")
                #expect(mine.connected == theirs.connected, "\(format) \(company) connected \(from)")
                #expect(mine.talkSeconds == theirs.talkSeconds, "\(format) \(company) talk \(from)")
            }
            #expect(state.meta.failureStreaks[company]?.count == reference.meta.failureStreaks[company]?.count, "\(format) \(company) streak")
        }
        #expect(reference.total("C200", from: "2026-11-27T00:00:00Z", to: "2026-11-27T02:00:00Z").attempts == 320, "the reference itself was read")
    }

    @Test func withoutItsTimezoneAFreeSWITCHExportLandsHoursOff() throws {
        let scratch = Scratch()
        let (state, reports) = try ingestCDRs(folder: Repository.path("fixtures/freeswitch"), format: "freeswitch",
                                              pattern: "Master.csv*", now: "2026-11-27T02:00:00Z", scratch: scratch)
        // Read as UTC, 19:00 New York is 19:00Z: five hours before the calls happened, outside the 3h window.
        #expect(reports.reduce(0) { $0 + $1.tooOld } == 3_060)
        #expect(state.buckets.isEmpty)
    }

    func freeswitchLine(name: String = "Acme Sales", start: String, answer: String, billsec: Int, cause: String, account: String = "C1") -> String {
        "\"\(name)\",\"15550101\",\"4420794600\",\"public\",\"\(start)\",\"\(answer)\",\"\(start)\",\"\(billsec + 5)\",\"\(billsec)\",\"\(cause)\",\"0e5c7c0a-1\",\"\",\"\(account)\",\"PCMA\",\"PCMA\"\n"
    }

    @Test func freeSWITCHAnswerStampsDecideConnectedAndCausesMapToSIPCodes() throws {
        let scratch = Scratch()
        scratch.write("fs/Master.csv", [
            freeswitchLine(start: "2026-11-27 00:10:00", answer: "2026-11-27 00:10:04", billsec: 0, cause: "NORMAL_CLEARING"),   // answered < 1s
            freeswitchLine(start: "2026-11-27 00:10:01", answer: "", billsec: 0, cause: "NORMAL_CLEARING"),                      // never answered: 480
            freeswitchLine(start: "2026-11-27 00:10:02", answer: "2026-11-27 00:10:05", billsec: 65, cause: "MEDIA_TIMEOUT"),     // answered, ended badly
            freeswitchLine(start: "2026-11-27 00:10:03", answer: "", billsec: 0, cause: "USER_BUSY"),                            // 486
            freeswitchLine(start: "2026-11-27 00:10:04", answer: "", billsec: 0, cause: "ORIGINATOR_CANCEL"),                    // 487
            freeswitchLine(start: "2026-11-27 00:10:05", answer: "", billsec: 0, cause: "sip:603"),                              // a SIP code as written
        ].joined())
        let (state, reports) = try ingestCDRs(folder: scratch.url("fs"), format: "freeswitch", now: "2026-11-27T01:00:00Z", scratch: scratch)
        #expect(reports.first?.rejectedRows == 0, "\(reports.first?.rejections ?? [])")
        let w = state.total("C1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:00:00Z")
        #expect(w.attempts == 6)
        #expect(w.connected == 2)
        #expect(w.talkSeconds == 65)
        // NER successes: the answered pair (200), 480, 486 and 603; 487 is not.
        #expect(w.nerSuccesses == 5)
        #expect(HangupCause.sipCode("NO_ROUTE_DESTINATION", answered: false) == 404)
        #expect(HangupCause.sipCode("A_CAUSE_FROM_A_LATER_RELEASE", answered: false) == 480)
    }

    @Test func freeSWITCHStampsAreLocalTimeWithDaylightSaving() throws {
        let scratch = Scratch()
        scratch.write("fs/Master.csv",
                      freeswitchLine(start: "2026-07-01 12:00:00", answer: "2026-07-01 12:00:03", billsec: 10, cause: "NORMAL_CLEARING")
                      + freeswitchLine(start: "2026-11-26 12:00:00", answer: "2026-11-26 12:00:03", billsec: 10, cause: "NORMAL_CLEARING"))
        let job = try scratch.job("""
        { state: "state", inputs: { cdrs: { path: "fs", format: "freeswitch", timezone: "America/New_York", settle: "0s" } },
          alerts: [ { title: "A", company: "C1", to: [], area: "attempts", operator: "always", sample_period: "200d" } ] }
        """)
        var state = KlaxonState()
        _ = try Ingest(job: job, now: epoch("2026-11-27T00:00:00Z"), wallClock: Date()).run(&state)
        let minutes = state.buckets["C1"]?.buckets.map { Int64($0.minute) * 60 } ?? []
        #expect(minutes == [epoch("2026-07-01T16:00:00Z"), epoch("2026-11-26T17:00:00Z")], "EDT is UTC−4, EST UTC−5")
    }

    @Test func badFreeSWITCHLinesAreRejectedNamingTheColumn() throws {
        let scratch = Scratch()
        let path = scratch.write("fs/Master.csv", [
            freeswitchLine(start: "2026-11-27 00:10:00", answer: "", billsec: 0, cause: "USER_BUSY"),
            freeswitchLine(start: "2026-11-27 00:10:00", answer: "", billsec: 0, cause: "USER_BUSY", account: ""),
            freeswitchLine(start: "2026-11-27 00:10:00", answer: "", billsec: 0, cause: "busy-ish"),
            // FreeSWITCH does not escape quotes inside a value: the line is malformed.
            freeswitchLine(name: "Bob \"the\" Builder", start: "2026-11-27 00:10:00", answer: "", billsec: 0, cause: "USER_BUSY"),
        ].joined())
        let (_, reports) = try ingestCDRs(folder: scratch.url("fs"), format: "freeswitch", now: "2026-11-27T01:00:00Z", scratch: scratch)
        let lines = reports.first?.rejections.map { $0.replacingOccurrences(of: path + ":", with: "") } ?? []
        #expect(lines.count == 3)
        #expect(lines.contains { $0.hasPrefix("2: empty accountcode (customer_id)") })
        #expect(lines.contains { $0.hasPrefix("3: unparsable hangup_cause (sip_code) \"busy-ish\"") })
        #expect(lines.contains { $0.hasPrefix("4:") && $0.contains("quote") })
    }

    @Test func asteriskDispositionsChannelsAndOptionalColumnsAreRead() throws {
        let scratch = Scratch()
        func line(_ disposition: String, answer: String, billsec: Int, dstchannel: String, extra: String = "") -> String {
            "\"C1\",\"15550101\",\"4420794600\",\"from-customers\",\"\"\"Acme\"\" <15550101>\",\"SIP/C1-0000002a\",\"\(dstchannel)\",\"Dial\",\"SIP/P1/4420794600,60\",\"2026-11-27 01:10:00\",\(answer),\"2026-11-27 01:11:00\",60,\(billsec),\"\(disposition)\",\"DOCUMENTATION\"\(extra)\n"
        }
        let path = scratch.write("ast/Master.csv", [
            line("ANSWERED", answer: "\"2026-11-27 01:10:05\"", billsec: 55, dstchannel: "SIP/P1-0000002b"),                 // 16 fields
            line("NO ANSWER", answer: "", billsec: 0, dstchannel: "PJSIP/P1-00000001", extra: ",\"1795746600.7\""),         // 17
            line("BUSY", answer: "", billsec: 0, dstchannel: "IAX2/P2-1234", extra: ",\"1795746600.8\",\"vip\""),           // 18
            line("CONGESTION", answer: "", billsec: 0, dstchannel: ""),
            line("FAILED", answer: "", billsec: 0, dstchannel: "SIP/P1-0000002c"),
            line("UNKNOWN", answer: "", billsec: 0, dstchannel: "SIP/P1-0000002d"),
        ].joined())
        let (state, reports) = try ingestCDRs(folder: scratch.url("ast"), format: "asterisk", timezone: "Europe/Paris", now: "2026-11-27T01:00:00Z", scratch: scratch)
        let report = try #require(reports.first)
        #expect(report.rejections.map { $0.replacingOccurrences(of: path + ":", with: "") }
                == ["6: unparsable disposition (sip_code) \"UNKNOWN\"; expected ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION"])
        let customer = state.total("C1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:00:00Z")
        #expect(customer.attempts == 5)
        #expect(customer.connected == 1)
        #expect(customer.talkSeconds == 55)
        #expect(customer.nerSuccesses == 3, "ANSWERED 200, NO ANSWER 480, BUSY 486")
        #expect(state.total("P1", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:00:00Z").attempts == 3)
        #expect(state.total("P2", from: "2026-11-27T00:00:00Z", to: "2026-11-27T01:00:00Z").attempts == 1)
        #expect(state.meta.companies["P1"]?.company.type == .carrier)
        #expect(AsteriskFormat.peer(ofChannel: "Local/100@from-internal-00000001;2") == "100@from-internal")
        #expect(AsteriskFormat.peer(ofChannel: "carrier-7") == "carrier-7")
    }
}
