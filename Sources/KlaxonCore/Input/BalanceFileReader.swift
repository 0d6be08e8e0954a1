/// Reads one balance snapshot whole; a snapshot replaces the previous one,
/// so it is used only if it could be read.
struct BalanceFileReader {
    let input: InputSettings

    /// A snapshot read, and which companies it may have lost to rejected rows.
    struct Snapshot {
        var companies: [Company] = []
        /// Ids of rejected rows (their id was readable, the rest of the row was not).
        var lostIDs: Set<String> = []
        /// Rejected rows whose id could not be read either: any company may be among them.
        var unidentifiedLosses = 0
    }

    func read(_ file: DropFile, report: inout FileReport) -> Snapshot? {
        let format = BalanceFormat()
        let reader = LayoutReader<BalanceField>(columns: input.columns, headerNames: format.headerNames, positions: format.positions,
                                                positionalWidths: format.positions.count...format.positions.count,
                                                required: [.id], kind: "a balance export")
        var snapshot = Snapshot()
        var seen: Set<String> = []
        var accounted = 0
        let read = reader.read(file, report: &report) { record, layout, report in
            switch format.parse(record, layout: layout) {
            case .failure(let reason):
                report.reject(path: file.path, line: record.line, reason)
                accounted += 1
                if let i = layout[.id], i < record.count, let id = FieldParsing.identifier(record[i]), !id.isEmpty {
                    snapshot.lostIDs.insert(id)
                } else {
                    snapshot.unidentifiedLosses += 1
                }
            case .success(let company):
                if seen.insert(company.id).inserted {
                    snapshot.companies.append(company)
                    report.folded += 1
                } else {
                    report.reject(path: file.path, line: record.line, "duplicate id \"\(company.id)\"; the first row is used")
                    accounted += 1
                }
            }
        }
        // Records the CSV reader could not split into fields (bad quoting, too long) name no id.
        snapshot.unidentifiedLosses += report.rejectedRows - accounted
        snapshot.lostIDs.subtract(seen)
        return read ? snapshot : nil
    }
}
