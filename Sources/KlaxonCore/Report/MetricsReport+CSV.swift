import Foundation

extension MetricsReport {
    /// One row per company, plain numbers for spreadsheets (ratios in percent,
    /// ACD in seconds, money in the company's currency), one group of columns per
    /// window (`asr_1h`, `asr_1d`…). Every cell goes through `CSVCell`, so a
    /// company name such as `=HYPERLINK(…)` is text, not a formula (behaviour.md "Security").
    func csv() -> String {
        var headers = ["company", "name", "type", "status", "currency", "balance", "available_credit", "consecutive_failures", "penalty_until", "triggered_alerts"]
        for period in windows {
            headers += ["attempts", "connected", "asr", "ner", "acd_seconds", "pdd_ms", "minutes", "spend", "profit"].map { "\($0)_\(period)" }
        }
        var lines = [headers.map(CSVCell.escape).joined(separator: ",")]
        for row in rows {
            let c = row.company
            var cells = [c.id, c.name, c.type.rawValue, row.inSnapshot ? c.status.rawValue : "", c.currency,
                         Self.number(c.credit), Self.number(c.credit.map { $0 + c.debitLimit }), String(row.consecutiveFailures),
                         row.penaltyUntil.map(ValueFormatter.timestamp) ?? "", row.triggered.joined(separator: "; ")]
            for m in row.windows {
                cells += [String(m.attempts), String(m.connected), Self.number(m.asr), Self.number(m.ner), Self.number(m.acd),
                          Self.number(m.pdd), Self.number(m.minutes), Self.number(m.spend), Self.number(m.profit)]
            }
            lines.append(cells.map(CSVCell.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Up to 4 decimals, no trailing zeros; empty for no value.
    static func number(_ value: Double?) -> String {
        value.map { ValueFormatter.trimmed($0, decimals: 4) } ?? ""
    }
}
