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
struct CDRFormat {
    let name: InputFormat
    let headerNames: [CDRField: String]
    let positions: [CDRField: Int]
    let requiredFields: [CDRField]

    init(_ format: InputFormat) {
        name = format
        // ConnexCS's raw CDR names; a headerless file lists them in this order.
        headerNames = Dictionary(uniqueKeysWithValues: CDRField.allCases.map { ($0, $0.rawValue) })
        positions = Dictionary(uniqueKeysWithValues: CDRField.allCases.enumerated().map { ($1, $0) })
        requiredFields = [.dt, .customerID]
    }

    /// A first row that names a required field is a header, not a call.
    func looksLikeHeader(_ cells: [String], overrides: [String: ColumnRef]) -> Bool {
        let lowered = Set(cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return requiredFields.contains { field in
            if case .header(let name)? = overrides[field.rawValue] { return lowered.contains(name.lowercased()) }
            return lowered.contains((headerNames[field] ?? "").lowercased())
        }
    }

    func parse(_ record: borrowing CSVRecord, layout: ColumnLayout<CDRField>, timezone: TimeZone?) -> RowParse<CDRRow> {
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
        guard let time = FieldParsing.timestamp(dtField, timezone: timezone) else {
            return .failure("unparsable time \"\(dtField.string)\" in dt; expected YYYY-MM-DD HH:MM:SS or ISO 8601")
        }
        let customer = record[customerIndex].string.trimmingCharacters(in: .whitespaces)
        guard !customer.isEmpty else { return .failure("empty customer_id") }
        var provider: String?
        if let i = layout[.providerID] {
            let p = record[i].string.trimmingCharacters(in: .whitespaces)
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
            guard let c = FieldParsing.integer(record[i]), (100...699).contains(c) else {
                return .failure("unparsable sip_code \"\(record[i].string)\"; expected a SIP response code 100–699")
            }
            sipCode = Int(c)
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
