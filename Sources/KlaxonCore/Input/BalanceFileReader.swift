/// Reads one balance snapshot whole; a snapshot replaces the previous one,
/// so it is used only if it could be read.
struct BalanceFileReader {
    let input: InputSettings

    func read(_ file: DropFile, report: inout FileReport) -> [Company]? {
        let reader: CSVReader
        do { reader = try CSVReader(path: file.path) } catch {
            report.outcome = .rejected
            report.reason = "\(error)"
            return nil
        }
        let format = BalanceFormat()
        var layout: ColumnLayout<BalanceField>?
        var companies: [Company] = []
        var seen: Set<String> = []
        var fatal: String?
        do {
            try reader.read(record: { record in
                if fatal != nil { return }
                if layout == nil {
                    let cells = record.strings
                    if format.looksLikeHeader(cells) {
                        let l = ColumnLayout<BalanceField>.fromHeader(cells, overrides: input.columns, defaultNames: format.headerNames)
                        if l[.id] == nil { fatal = "no `id` column in the header (columns: \(cells.joined(separator: ", ")))" }
                        layout = l
                        return
                    }
                    layout = ColumnLayout<BalanceField>.positional(format.positions, overrides: input.columns)
                }
                guard let layout else { return }
                report.rows += 1
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
            }, malformed: { bad in
                report.rows += 1
                report.reject(path: file.path, line: bad.line, bad.reason)
            })
        } catch {
            fatal = "read error: \(error)"
        }
        if fatal == nil, report.rows > 0, report.rejectedRows == report.rows {
            fatal = "no row could be read (first: \(report.rejections.first ?? "")); is this a balance export?"
        }
        if let fatal {
            report.outcome = .rejected
            report.reason = fatal
            return nil
        }
        return companies
    }
}
