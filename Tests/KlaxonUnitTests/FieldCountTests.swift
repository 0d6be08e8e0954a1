import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A row with more or fewer fields than its file's rows have is rejected with
/// file:line, with a header or without one, in every format: extra fields were
/// ignored in a headerless file, so `0,05` in the last charge read as a charge of 0.
@Suite struct FieldCountTests {
    func input(_ scratch: Scratch, _ format: InputFormat) -> InputSettings {
        InputSettings(path: scratch.url("drop"), pattern: "*", format: format, columns: [:], timezone: nil, settle: TimeSpan(seconds: 0))
    }

    /// Reads `content` as CDRs (or buckets) of `format`; the report.
    func readCDRs(_ content: String, format: InputFormat) throws -> FileReport {
        readCDRFile(content, at: "drop/x.csv", format: format, scratch: Scratch()).report
    }

    let connexcsRow = "2026-11-27 01:00:00,id1,C1,P1,1,10,200,,0,0.01\n"

    @Test func aHeaderlessConnexCSRowWithADecimalCommaIsRejectedAsWithAHeader() throws {
        let comma = "2026-11-27 01:01:00,id2,C1,P1,1,10,200,,0,0,05\n"
        let headerless = try readCDRs(connexcsRow + comma + connexcsRow, format: .connexcs)
        #expect(headerless.folded == 2 && headerless.rejectedRows == 1)
        #expect(headerless.rejections.first?.hasSuffix("x.csv:2: wrong field count: 11 fields, a row of this format without a header has 10 (an unquoted decimal comma, as in 0,05, splits a number in two)") == true,
                "\(headerless.rejections)")
        let withHeader = try readCDRs(cdrHeader + connexcsRow + comma, format: .connexcs)
        #expect(withHeader.rejections.first?.hasSuffix("x.csv:3: wrong field count: 11 fields, the header has 10 (an unquoted decimal comma, as in 0,05, splits a number in two)") == true,
                "\(withHeader.rejections)")
        let short = try readCDRs(connexcsRow + "2026-11-27 01:01:00,id2,C1,P1,1,10,200,,0\n", format: .connexcs)
        #expect(short.rejections.first?.hasSuffix("x.csv:2: wrong field count: 9 fields, a row of this format without a header has 10") == true, "\(short.rejections)")
    }

    @Test func freeSWITCHAndAsteriskRowsOfAnotherWidthAreRejected() throws {
        let fs = "\"Echo NOC\",\"15550105\",\"447106939325\",\"public\",\"2026-11-27 00:00:10\",\"\",\"2026-11-27 00:00:20\",\"10\",\"0\",\"USER_BUSY\",\"u1\",\"b1\",\"C500\",\"\",\"\""
        let freeswitch = try readCDRs(fs + "\n" + fs + ",\"extra\"\n", format: .freeswitch)
        #expect(freeswitch.folded == 1)
        #expect(freeswitch.rejections.first?.hasSuffix("x.csv:2: wrong field count: 16 fields, a row of this format without a header has 15 (an unquoted decimal comma, as in 0,05, splits a number in two)") == true,
                "\(freeswitch.rejections)")

        let ast = "\"C500\",\"15550105\",\"447106939325\",\"from-customers\",\"Echo\",\"SIP/C500-1\",\"SIP/P20-2\",\"Dial\",\"x\",\"2026-11-27 00:00:10\",,\"2026-11-27 00:00:20\",10,0,\"BUSY\",\"DOCUMENTATION\""
        // 16, 17 and 18 fields are Asterisk's own (loguniqueid, loguserfield); 19 is not.
        let asterisk = try readCDRs([ast, ast + ",\"u1\"", ast + ",\"u1\",\"f\"", ast + ",\"u1\",\"f\",\"x\"", "\"C500\",\"1\""].joined(separator: "\n") + "\n",
                                    format: .asterisk)
        #expect(asterisk.folded == 3 && asterisk.rejectedRows == 2)
        #expect(asterisk.rejections.first?.hasSuffix("x.csv:4: wrong field count: 19 fields, a row of this format without a header has 16 to 18 (an unquoted decimal comma, as in 0,05, splits a number in two)") == true,
                "\(asterisk.rejections)")
    }

    @Test func headerlessBalanceAndBucketRowsOfAnotherWidthAreRejected() throws {
        let scratch = Scratch()
        let balance = "C1,Acme,customer,active,1550.35,0,USD,billing@acme.example,+15550101,retail\n"
        var report = FileReport(input: "balances", name: "x.csv", outcome: .taken)
        let companies = BalanceFileReader(input: input(scratch, .connexcs))
            .read(scratch.dropFile("drop/x.csv", balance + "C2,Beta,customer,active,12,50,0,USD,b@beta.example,+15550102,retail\n"), report: &report)
        #expect(companies?.companies.map(\.id) == ["C1"])
        #expect(report.rejections.first?.hasSuffix("x.csv:2: wrong field count: 11 fields, a row of this format without a header has 10 (an unquoted decimal comma, as in 0,05, splits a number in two)") == true,
                "\(report.rejections)")

        let bucket = "C1,customer,2026-11-27 00:00:00,5,3,3,1,214,7134,5,0.04280,0.01427,0"
        let buckets = try readCDRs(bucket + "\n" + bucket + ",1\n", format: .buckets)
        #expect(buckets.folded == 1)
        #expect(buckets.rejections.first?.hasSuffix("x.csv:2: wrong field count: 14 fields, a row of this format without a header has 13 (an unquoted decimal comma, as in 0,05, splits a number in two)") == true,
                "\(buckets.rejections)")
    }
}
