import KlaxonEngine
/// The read loop that balance snapshots and bucket exports share: a first row
/// recognised as a header by its names (else the file is read by position), each
/// row handed on with its layout, malformed records counted with file:line, and
/// a file that cannot be opened, lacks a required column or has no readable row
/// rejected whole.
struct LayoutReader<Field: RawRepresentable & CaseIterable & Hashable & Sendable> where Field.RawValue == String {
    let columns: [String: ColumnRef]
    let headerNames: [Field: String]
    let positions: [Field: Int]
    /// The field counts of a row in a file without a header.
    let positionalWidths: ClosedRange<Int>
    let required: [Field]
    /// "a balance export", for the message of a file no row of which could be read.
    let kind: String

    /// A first row naming a required field is a header.
    func looksLikeHeader(_ cells: [String]) -> Bool {
        let lowered = Set(cells.map { $0.trimmingWhitespace.lowercased() })
        return required.contains { field in
            if case .header(let name)? = columns[field.rawValue] { return lowered.contains(name.lowercased()) }
            return lowered.contains((headerNames[field] ?? field.rawValue).lowercased())
        }
    }

    /// Reads `file`, calling `row` for each data row; false when the file is rejected whole
    /// (`report.outcome` and `report.reason` then say why).
    func read(_ file: DropFile, report: inout FileReport, row: (borrowing CSVRecord, ColumnLayout<Field>, inout FileReport) -> Void) -> Bool {
        let reader: CSVReader
        do { reader = try CSVReader(path: file.path, identity: file.identity) } catch {
            // Unreadable (permissions, a file swapped after the listing) is not bad data: refused, tried again next run.
            report.outcome = .refused
            report.reason = "\(error)"
            return false
        }
        var layout: ColumnLayout<Field>?
        var fatal: String?
        do {
            try reader.read(record: { record in
                if fatal != nil { return }
                if layout == nil {
                    let cells = record.strings
                    if looksLikeHeader(cells) {
                        let l = ColumnLayout<Field>.fromHeader(cells, overrides: columns, defaultNames: headerNames)
                        let missing = l.missing(required)
                        if !missing.isEmpty {
                            fatal = "no \(missing.map { "`\($0.rawValue)`" }.joined(separator: ", ")) column in the header (columns: \(cells.joined(separator: ", ")))"
                        }
                        layout = l
                        return
                    }
                    layout = ColumnLayout<Field>.positional(positions, overrides: columns, widths: positionalWidths)
                }
                guard let layout else { return }
                report.rows += 1
                row(record, layout, &report)
            }, malformed: { bad in
                report.rows += 1
                report.reject(path: file.path, line: bad.line, bad.reason)
            })
        } catch {
            fatal = "read error: \(error)"
        }
        if fatal == nil, report.rows > 0, report.rejectedRows == report.rows {
            fatal = "no row could be read (first: \(report.rejections.first ?? "")); is this \(kind)?"
        }
        if let fatal {
            report.outcome = .rejected
            report.reason = fatal
            return false
        }
        return true
    }
}
