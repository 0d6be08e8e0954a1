import Foundation

/// Reads the job's `destinations: { file }` and the prefix table it names:
/// `prefix,name[,group]` rows, an optional header naming `prefix`, blank lines
/// and `#` comments skipped. Every bad row is a problem naming file:line.
enum DestinationsParser {
    static func parse(_ r: inout ObjectReader, resolve: (String) -> String, diagnostics: inout Diagnostics) -> DestinationTable? {
        guard var d = r.object("destinations") else { return nil }
        let file = d.string("file", required: true).map(resolve)
        d.rejectUnknownKeys()
        r.absorb(d)
        guard let file else { return nil }
        guard let text = ConfigFile.text(file, diagnostics: &diagnostics) else { return nil }
        var table = DestinationTable(file: file)
        var problems = 0
        // By newline Character: "\r\n" is one Character, so splitting on "\n" would not split a CRLF file.
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let cells = splitCSV(String(line)).map { $0.trimmingCharacters(in: .whitespaces) }
            if n == 0, cells.first?.lowercased() == "prefix" { continue }
            var message: String?
            if cells.count < 2 || cells.count > 3 {
                message = "expected prefix,name or prefix,name,group; found \(cells.count) field\(cells.count == 1 ? "" : "s")"
            } else {
                let group = cells.count == 3 && !cells[2].isEmpty ? cells[2] : nil
                message = table.add(prefix: cells[0], name: cells[1], group: group)
            }
            if let message {
                problems += 1
                // A wrong file (not a prefix table at all) would list every line: the first 20 say enough.
                if problems <= 20 { diagnostics.add(Problem(file: "\(file):\(n + 1)", message: message)) }
            }
        }
        if problems > 20 { diagnostics.add(Problem(file: file, message: "\(problems - 20) more bad rows")) }
        if table.prefixCount == 0, problems == 0 { diagnostics.add(Problem(file: file, message: "lists no prefix")) }
        return table
    }

    /// Commas split fields; a field in double quotes may hold commas and doubled quotes.
    static func splitCSV(_ line: String) -> [String] {
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { cell.append("\"") } else {
                            quoted = false
                            if next == "," { cells.append(cell); cell = "" } else { cell.append(next) }
                        }
                    } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "," {
                cells.append(cell)
                cell = ""
            } else if c == "\"", cell.trimmingCharacters(in: .whitespaces).isEmpty {
                cell = ""
                quoted = true
            } else {
                cell.append(c)
            }
        }
        cells.append(cell)
        return cells
    }
}
