/// Reads one balance snapshot whole; a snapshot replaces the previous one,
/// so it is used only if it could be read.
struct BalanceFileReader {
    let input: InputSettings

    func read(_ file: DropFile, report: inout FileReport) -> [Company]? {
        let format = BalanceFormat()
        let reader = LayoutReader<BalanceField>(columns: input.columns, headerNames: format.headerNames, positions: format.positions,
                                                positionalWidths: format.positions.count...format.positions.count,
                                                required: [.id], kind: "a balance export")
        var companies: [Company] = []
        var seen: Set<String> = []
        let read = reader.read(file, report: &report) { record, layout, report in
            switch format.parse(record, layout: layout) {
            case .failure(let reason):
                report.reject(path: file.path, line: record.line, reason)
            case .success(let company):
                if seen.insert(company.id).inserted {
                    companies.append(company)
                    report.folded += 1
                } else {
                    report.reject(path: file.path, line: record.line, "duplicate id \"\(company.id)\"; the first row is used")
                }
            }
        }
        return read ? companies : nil
    }
}
