import Foundation
import KlaxonEngine

/// One CDR row after conversion, before folding. Companies are indices into
/// the file's `CompanyTable`, so a row allocates nothing.
struct CDRRow {
    var customer: Int32
    var provider: Int32?
    var call: CallRecord
}

/// The column of each field in one file (-1: absent), resolved once from the
/// `ColumnLayout` so that a row costs no dictionary look-ups.
struct CDRColumns: Sendable {
    var width: Int?
    /// `ColumnLayout.widths`: checked on every row, so kept as two integers.
    var fewestFields: Int, mostFields: Int
    var requiredWidth: Int
    var dt, customer, provider, duration, sipCode, pdd, customerCharge, providerCharge, answerStamp: Int
    /// Read only when the job logs calls (`CallWatch`).
    var destNumber: Int

    init(_ layout: ColumnLayout<CDRField>) {
        width = layout.width
        fewestFields = layout.widths?.lowerBound ?? 0
        mostFields = layout.widths?.upperBound ?? .max
        requiredWidth = layout.requiredWidth
        dt = layout[.dt] ?? -1
        customer = layout[.customerID] ?? -1
        provider = layout[.providerID] ?? -1
        duration = layout[.duration] ?? -1
        sipCode = layout[.sipCode] ?? -1
        pdd = layout[.pdd] ?? -1
        customerCharge = layout[.customerCharge] ?? -1
        providerCharge = layout[.providerCharge] ?? -1
        answerStamp = layout[.answerStamp] ?? -1
        destNumber = layout[.destNumber] ?? -1
    }
}

enum RowParse<Row> {
    case success(Row)
    case failure(String)
}

/// A named column map plus the value conventions of one switch's CDR export.
/// Each switch's map lives in its own file (`FreeSWITCHFormat`, `AsteriskFormat`).
struct CDRFormat {
    let name: InputFormat
    let headerNames: [CDRField: String]
    let positions: [CDRField: Int]
    let requiredFields: [CDRField]
    /// The field counts of a row in a file without a header.
    var positionalWidths: ClosedRange<Int>
    /// What the column mapped to `sip_code` holds.
    var outcome: CallOutcomeColumn = .sipCode
    /// Asterisk names the carrier in a channel (`SIP/P10-0000002a`): keep the peer only.
    var providerIsChannel = false

    init(_ format: InputFormat) {
        switch format {
        case .freeswitch: self = FreeSWITCHFormat.cdrFormat
        case .asterisk: self = AsteriskFormat.cdrFormat
        case .connexcs, .buckets: self = Self.connexcs  // bucket rows have their own reader
        }
    }

    init(name: InputFormat, headerNames: [CDRField: String], positions: [CDRField: Int], requiredFields: [CDRField] = [.dt, .customerID]) {
        self.name = name
        self.headerNames = headerNames
        self.positions = positions
        self.requiredFields = requiredFields
        let count = (positions.values.max() ?? -1) + 1
        positionalWidths = count...count
    }

    /// ConnexCS's raw CDR names; a headerless file lists them in this order.
    static let connexcs: CDRFormat = {
        let fields = CDRField.allCases.filter { $0 != .answerStamp }
        return CDRFormat(name: .connexcs, headerNames: Dictionary(uniqueKeysWithValues: fields.map { ($0, $0.rawValue) }),
                         positions: Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, $0) }))
    }()

    /// The name of `field`'s column in this format, for messages.
    func label(_ field: CDRField) -> String {
        let native = headerNames[field] ?? field.rawValue
        return native == field.rawValue ? native : "\(native) (\(field.rawValue))"
    }

    /// A first row that names a required field is a header, not a call.
    func looksLikeHeader(_ cells: [String], overrides: [String: ColumnRef]) -> Bool {
        let lowered = Set(cells.map { $0.trimmingWhitespace.lowercased() })
        return requiredFields.contains { field in
            if case .header(let name)? = overrides[field.rawValue] { return lowered.contains(name.lowercased()) }
            return lowered.contains((headerNames[field] ?? "").lowercased())
        }
    }

    /// Converts one row. `time` and `companies` belong to the file being read.
    func parse(_ record: borrowing CSVRecord, columns c: CDRColumns, time: inout TimestampParser,
               companies: inout CompanyTable) -> RowParse<CDRRow> {
        if record.count < c.fewestFields || record.count > c.mostFields {
            return .failure(ColumnLayout<CDRField>.fieldCountProblem(record.count, widths: c.fewestFields...c.mostFields, fromHeader: c.width != nil))
        }
        if record.count < c.requiredWidth {
            return .failure("wrong field count: \(record.count) fields, at least \(c.requiredWidth) needed")
        }
        guard c.dt >= 0, c.customer >= 0 else {
            return .failure("no dt or customer_id column")
        }
        let dtField = record[c.dt]
        guard let time = time.epochSeconds(dtField) else {
            return .failure("unparsable time \"\(dtField.string)\" in \(label(.dt)); expected YYYY-MM-DD HH:MM:SS or ISO 8601")
        }
        guard let customer = companies.index(of: record[c.customer]) else {
            return .failure(FieldParsing.identifierProblem(record[c.customer], name: label(.customerID)))
        }
        var provider: Int32?
        if c.provider >= 0 {
            let field = record[c.provider]
            provider = companies.index(of: providerIsChannel ? AsteriskFormat.peer(ofChannel: field) : field)
            if provider == nil, UTF8Check.isNotUTF8(field) { return .failure(FieldParsing.notUTF8(field, name: label(.providerID))) }
        }

        var duration: Int64 = 0
        if c.duration >= 0, !record[c.duration].isEmpty {
            guard let d = FieldParsing.seconds(record[c.duration]), d >= 0 else {
                return .failure("unparsable duration \"\(record[c.duration].string)\"")
            }
            duration = d
        }
        var sipCode: Int?
        if c.sipCode >= 0 {
            var answered = duration > 0
            if outcome == .hangupCause, c.answerStamp >= 0 { answered = !record[c.answerStamp].isEmpty }
            guard let code = outcome.sipCode(record[c.sipCode], answered: answered) else {
                return .failure("unparsable \(label(.sipCode)) \"\(record[c.sipCode].string)\"; expected \(outcome.expected)")
            }
            sipCode = code
        }
        var pdd: Int64?
        if c.pdd >= 0, !record[c.pdd].isEmpty {
            guard let p = FieldParsing.integer(record[c.pdd]), p >= 0 else {
                return .failure("unparsable pdd \"\(record[c.pdd].string)\" (milliseconds)")
            }
            pdd = p
        }
        var customerCharge: Int64 = 0
        if c.customerCharge >= 0, !record[c.customerCharge].isEmpty {
            guard let micros = FieldParsing.micros(record[c.customerCharge]) else {
                return .failure("unparsable \(CDRField.customerCharge.rawValue) \"\(record[c.customerCharge].string)\"")
            }
            customerCharge = micros
        }
        var providerCharge: Int64 = 0
        if c.providerCharge >= 0, !record[c.providerCharge].isEmpty {
            guard let micros = FieldParsing.micros(record[c.providerCharge]) else {
                return .failure("unparsable \(CDRField.providerCharge.rawValue) \"\(record[c.providerCharge].string)\"")
            }
            providerCharge = micros
        }
        let call = CallRecord(time: time, durationSeconds: duration, sipCode: sipCode, pddMilliseconds: pdd,
                              customerCharge: customerCharge, providerCharge: providerCharge)
        return .success(CDRRow(customer: customer, provider: provider, call: call))
    }
}
