import KlaxonEngine
/// The balance snapshot's columns and value conventions (behaviour.md "Inputs").
struct BalanceFormat {
    let headerNames = Dictionary(uniqueKeysWithValues: BalanceField.allCases.map { ($0, $0.rawValue) })
    let positions = Dictionary(uniqueKeysWithValues: BalanceField.allCases.enumerated().map { ($1, $0) })

    func parse(_ record: borrowing CSVRecord, layout: ColumnLayout<BalanceField>) -> RowParse<Company> {
        if let problem = layout.fieldCountProblem(record.count) { return .failure(problem) }
        guard record.count >= layout.requiredWidth, let idIndex = layout[.id] else {
            return .failure("wrong field count: \(record.count) fields, at least \(layout.requiredWidth) needed")
        }
        func text(_ field: BalanceField) -> String {
            guard let i = layout[field] else { return "" }
            return record[i].string.trimmingWhitespace
        }
        func list(_ field: BalanceField) -> [String] {
            CellList.items(text(field))
        }
        guard let id = FieldParsing.identifier(record[idIndex]) else { return .failure(FieldParsing.notUTF8(record[idIndex], name: "id")) }
        guard !id.isEmpty else { return .failure("empty id") }

        var type = Company.Kind.customer
        switch text(.type).lowercased() {
        case "", "customer": type = .customer
        case "carrier", "provider": type = .carrier
        case let other: return .failure("unknown type \"\(other)\"; expected customer or carrier")
        }
        var status = Company.Status.active
        let statusText = text(.status).lowercased()
        if !statusText.isEmpty {
            guard let s = Company.Status(rawValue: statusText) else {
                return .failure("unknown status \"\(statusText)\"; expected active, inactive, penalty or pending")
            }
            status = s
        }
        var credit: Double?
        if let i = layout[.credit], !record[i].isEmpty {
            guard let c = FieldParsing.decimal(record[i]) else { return .failure("unparsable credit \"\(record[i].string)\"") }
            credit = c
        }
        var debitLimit = 0.0
        if let i = layout[.debitLimit], !record[i].isEmpty {
            guard let d = FieldParsing.decimal(record[i]) else { return .failure("unparsable debit_limit \"\(record[i].string)\"") }
            debitLimit = d
        }
        return .success(Company(id: id, name: text(.name), type: type, status: status, credit: credit,
                                debitLimit: debitLimit, currency: text(.currency).uppercased(),
                                emails: list(.email), phones: list(.phone), tags: list(.tags)))
    }
}
