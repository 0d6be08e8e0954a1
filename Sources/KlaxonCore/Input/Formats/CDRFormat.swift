import Foundation

/// One CDR row after conversion, before folding.
struct CDRRow {
    var customer: String
    var provider: String?
    var call: CallRecord
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
        let lowered = Set(cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return requiredFields.contains { field in
            if case .header(let name)? = overrides[field.rawValue] { return lowered.contains(name.lowercased()) }
            return lowered.contains((headerNames[field] ?? "").lowercased())
        }
    }

    /// `clock` reads zone-less stamps (one per file, for its cache).
    func parse(_ record: borrowing CSVRecord, layout: ColumnLayout<CDRField>, clock: inout LocalTimeConverter) -> RowParse<CDRRow> {
        if let width = layout.width, record.count != width {
            return .failure("wrong field count: \(record.count) fields, the header has \(width)")
        }
        if record.count < layout.requiredWidth {
            return .failure("wrong field count: \(record.count) fields, at least \(layout.requiredWidth) needed")
        }
        guard let dtIndex = layout[.dt], let customerIndex = layout[.customerID] else {
            return .failure("no dt or customer_id column")
        }
        let dtField = record[dtIndex]
        guard let time = FieldParsing.timestamp(dtField, clock: &clock) else {
            return .failure("unparsable time \"\(dtField.string)\" in \(label(.dt)); expected YYYY-MM-DD HH:MM:SS or ISO 8601")
        }
        guard let customer = FieldParsing.identifier(record[customerIndex]) else {
            return .failure(FieldParsing.notUTF8(record[customerIndex], name: label(.customerID)))
        }
        guard !customer.isEmpty else { return .failure("empty \(label(.customerID))") }
        var provider: String?
        if let i = layout[.providerID] {
            guard var p = FieldParsing.identifier(record[i]) else { return .failure(FieldParsing.notUTF8(record[i], name: label(.providerID))) }
            if providerIsChannel { p = AsteriskFormat.peer(ofChannel: p) }
            provider = p.isEmpty ? nil : p
        }

        var duration: Int64 = 0
        if let i = layout[.duration], !record[i].isEmpty {
            guard let d = FieldParsing.seconds(record[i]), d >= 0 else {
                return .failure("unparsable duration \"\(record[i].string)\"")
            }
            duration = d
        }
        var sipCode: Int?
        if let i = layout[.sipCode] {
            var answered = duration > 0
            if outcome == .hangupCause, let a = layout[.answerStamp] { answered = !record[a].isEmpty }
            guard let c = outcome.sipCode(record[i], answered: answered) else {
                return .failure("unparsable \(label(.sipCode)) \"\(record[i].string)\"; expected \(outcome.expected)")
            }
            sipCode = c
        }
        var pdd: Int64?
        if let i = layout[.pdd], !record[i].isEmpty {
            guard let p = FieldParsing.integer(record[i]), p >= 0 else {
                return .failure("unparsable pdd \"\(record[i].string)\" (milliseconds)")
            }
            pdd = p
        }
        var charges: [Int64] = [0, 0]
        for (n, field) in [CDRField.customerCharge, .providerCharge].enumerated() {
            if let i = layout[field], !record[i].isEmpty {
                guard let micros = FieldParsing.micros(record[i]) else {
                    return .failure("unparsable \(field.rawValue) \"\(record[i].string)\"")
                }
                charges[n] = micros
            }
        }
        let call = CallRecord(time: time, durationSeconds: duration, sipCode: sipCode, pddMilliseconds: pdd,
                              customerCharge: charges[0], providerCharge: charges[1])
        return .success(CDRRow(customer: customer, provider: provider, call: call))
    }
}
