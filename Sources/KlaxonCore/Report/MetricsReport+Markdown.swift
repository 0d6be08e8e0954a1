extension MetricsReport {
    /// GitHub-flavoured Markdown: readable as plain text in an e-mail or a terminal.
    func markdown() -> String {
        var out = "# \(title)\n\n\(generatedLine)\n\n\(summary)\n"
        func table(_ headers: [String], _ rows: [[String]], rightFrom: Int = .max) {
            out += "\n| " + headers.map(Self.cell).joined(separator: " | ") + " |\n"
            out += "|" + headers.indices.map { $0 >= rightFrom ? " ---: |" : " --- |" }.joined() + "\n"
            for row in rows { out += "| " + row.map(Self.cell).joined(separator: " | ") + " |\n" }
        }
        out += "\n## Triggered alerts\n"
        if triggered.isEmpty { out += "\nNone.\n" } else { table(Self.triggeredHeaders, triggered.map(triggeredCells)) }
        out += "\n## Active penalties\n"
        if penalties.isEmpty { out += "\nNone.\n" } else { table(Self.penaltyHeaders, penalties.map(penaltyCells)) }
        out += "\n## Companies\n"
        table(Self.companyHeaders, rows.map(companyCells))
        for (i, period) in windows.enumerated() {
            out += "\n## \(windowTitle(i))\n"
            if let note = coverageNote(i) { out += "\n\(note)\n" }
            table(["company", "name"] + Self.trafficHeaders, rows.map { [$0.company.id, $0.company.name] + Self.trafficCells($0.windows[i], currency: $0.company.currency) },
                  rightFrom: 2)
        }
        return out
    }

    /// A table cell: pipes escaped, line breaks flattened.
    static func cell(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.isEmpty ? " " : flat.replacingOccurrences(of: "|", with: "\\|")
    }
}
