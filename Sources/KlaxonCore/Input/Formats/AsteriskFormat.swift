import KlaxonEngine
/// Asterisk's cdr_csv `Master.csv`: no header; text fields in double quotes with
/// inner quotes doubled, `duration` and `billsec` bare integers, stamps written
/// `%Y-%m-%d %T` in local time (or UTC with `usegmtime`) and an empty unquoted
/// field for a call never answered. `uniqueid` and `userfield` are appended only
/// with `loguniqueid`/`loguserfield`, so a line has 16 to 18 fields.
enum AsteriskFormat {
    static let masterColumns = [
        "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
        "start", "answer", "end", "duration", "billsec", "disposition", "amaflags", "uniqueid", "userfield",
    ]

    /// Klaxon field → Master.csv column. The carrier is the peer of the
    /// destination channel; `billsec` is the talk time.
    static let fields: [CDRField: String] = [
        .customerID: "accountcode", .destNumber: "dst", .providerID: "dstchannel", .dt: "start",
        .answerStamp: "answer", .duration: "billsec", .sipCode: "disposition", .callid: "uniqueid",
    ]

    static var cdrFormat: CDRFormat {
        // uniqueid is optional in the file, so a headerless file is not read by position for it.
        let positioned = fields.filter { $0.key != .callid }
        var format = CDRFormat(name: .asterisk, headerNames: fields,
                               positions: positioned.compactMapValues { masterColumns.firstIndex(of: $0) })
        format.outcome = .disposition
        // 16 columns, 17 with loguniqueid, 18 with loguserfield.
        format.positionalWidths = (masterColumns.count - 2)...masterColumns.count
        format.providerIsChannel = true
        return format
    }

    /// Dispositions as the SIP final responses RFC 3398 §7.2.4.1 gives their
    /// Q.850 causes: answered 200, busy (17) 486, no answer (19) 480,
    /// congestion (34, 42) 503, and FAILED — a channel that could not be reached,
    /// destination out of order (27) — 502. Nil for anything else.
    static func sipCode(disposition text: String) -> Int? {
        switch text.trimmingWhitespace.uppercased() {
        case "ANSWERED": 200
        case "NO ANSWER": 480
        case "BUSY": 486
        case "CONGESTION": 503
        case "FAILED": 502
        default: nil
        }
    }

    /// The peer of a channel name: `SIP/P10-0000002a` and `PJSIP/P10-00000001` → `P10`,
    /// `IAX2/P10-1234` → `P10`, `DAHDI/1-1` → `1`. A value without a `/` is kept
    /// as written, so a `columns` override can point at a plain carrier column.
    /// A view into the field's bytes, so the hot path makes no String.
    static func peer(ofChannel field: CSVField) -> CSVField {
        let bytes = field.bytes
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return field }
        var end = bytes.endIndex
        if let semicolon = bytes[(slash + 1)...].firstIndex(of: UInt8(ascii: ";")) { end = semicolon }
        if let dash = bytes[(slash + 1)..<end].lastIndex(of: UInt8(ascii: "-")) { end = dash }
        return CSVField(bytes: UnsafeBufferPointer(rebasing: bytes[(slash + 1)..<end]))
    }

    /// The same for text; one implementation, so tests of it test what ingest runs.
    static func peer(ofChannel channel: String) -> String {
        var utf8 = Array(channel.utf8)
        return utf8.withUnsafeMutableBufferPointer { peer(ofChannel: CSVField(bytes: UnsafeBufferPointer($0))).string }
    }
}
