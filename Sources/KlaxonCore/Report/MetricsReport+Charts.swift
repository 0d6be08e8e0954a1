extension MetricsReport {
    /// Per company, its attempts and ASR per hour over the job's longest window:
    /// a slide that tables hide is a falling line here.
    func trendsSection() -> String {
        let e = Self.escape
        let hours = trends.hourStarts
        guard let first = hours.first else { return "" }
        var out = "<h2>Hourly trends since \(e(shown.timestamp(first * 60)))</h2>\n"
        out += "<p class=\"none\">\(hours.count) hour\(hours.count == 1 ? "" : "s") ending \(e(shown.timestamp((first + Int64(hours.count) * 60) * 60))); each chart from 0 to its company's busiest hour (attempts) or highest ASR rounded up to 10%.</p>\n"
        out += "<table class=\"trends\">\n<thead><tr><th>company</th><th>name</th><th>attempts per hour</th><th>ASR per hour</th></tr></thead>\n<tbody>\n"
        // A triggered `level: none` alert (a daily notice) is news, not trouble, as in the tables.
        let alarmed = Set(triggered.filter { $0.level != .none }.map(\.company.id))
        for row in rows {
            let id = row.company.id
            let attempts = (trends.attempts[id] ?? []).map { Double($0) }
            let asr = trends.asr[id] ?? []
            let attemptsText = hourly(attempts.map { String(Int($0)) })
            let asrText = hourly(asr.map { $0.map { ValueFormatter.format($0, area: .asr, currency: "") } ?? "–" })
            let attemptsChart = SVGChart.chart(values: attempts, scale: .init(low: 0, high: max(1, attempts.max() ?? 1)), width: 240, height: 36,
                                               title: "Attempts per hour, \(id)", description: attemptsText, cssClass: "attempts")
            // A company with a triggered warning or error has its ASR drawn in the alarm colour.
            let asrChart = SVGChart.chart(values: asr, scale: .init(low: 0, high: Self.asrCeiling(asr)), width: 240, height: 36,
                                          title: "ASR per hour, \(id)", description: asrText, cssClass: "asr",
                                          stroke: alarmed.contains(id) ? SVGChart.alarm : SVGChart.ink)
            out += "<tr\(alarmed.contains(id) ? " class=\"alarm\"" : "")><td>\(e(id))</td><td>\(e(row.company.name))</td>"
            out += "<td>\(attemptsChart)\(numbers(attemptsText))</td><td>\(asrChart)\(numbers(asrText))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// For each triggered instance, its value at each hour's end against the alert's
    /// threshold and reset threshold.
    func historySection(alerts: [String: AlertDefinition]) -> String {
        let e = Self.escape
        var out = ""
        for t in triggered {
            guard let alert = alerts[t.alert] else { continue }
            let key = AlertInstance.key(alert: t.alert, company: t.company.id)
            let name = "\(t.alert) / \(t.company.id)"
            guard let values = trends.values[key] else {
                out += "<div class=\"instance\"><h3>\(e(name))</h3><p class=\"none\">No hourly history: \(e(alert.area.rawValue)) is \(alert.area == .script ? "decided by a script" : "a snapshot value, not a window").</p></div>\n"
                continue
            }
            let fmt = { (v: Double) in ValueFormatter.format(v, area: alert.area, currency: t.company.currency) }
            var lines: [SVGChart.Line] = []
            if let threshold = alert.threshold { lines.append(.init(value: threshold, cssClass: "threshold", label: "threshold \(fmt(threshold))")) }
            if let reset = alert.resetThreshold { lines.append(.init(value: reset, cssClass: "reset", label: "reset threshold \(fmt(reset))")) }
            let all = values.compactMap { $0 } + lines.map(\.value)
            let (low, high) = (all.min() ?? 0, all.max() ?? 1)
            let pad = high > low ? (high - low) * 0.1 : max(1, abs(high) * 0.1)
            let text = hourly(values.map { $0.map(fmt) ?? "–" })
            let period = alert.window.map { " over \($0)" } ?? ""
            let chart = SVGChart.chart(values: values, scale: .init(low: low - pad, high: high + pad), lines: lines, width: 480, height: 90,
                                       title: "\(name): \(alert.area.rawValue)\(period) at each hour's end, against its thresholds", description: text, cssClass: "history")
            let condition = alert.threshold.map { " \(alert.comparison.rawValue) \(fmt($0))" } ?? ""
            let legend = lines.map { "<span class=\"legend \($0.cssClass)\">\(e($0.label))</span>" }.joined(separator: " ")
            out += "<div class=\"instance\"><h3>\(e(name))</h3><p class=\"meta\">fires at \(e(alert.area.rawValue))\(e(period))\(e(condition)) · now \(e(t.value)) · \(legend)</p>\(chart)\(numbers(text))</div>\n"
        }
        return out.isEmpty ? "" : "<h2>Triggered alerts: hourly history</h2>\n" + out
    }

    /// The top of an ASR chart: the highest hourly ASR rounded up to a multiple of 10%, so
    /// that a slide from 35% to 7% fills the chart instead of its bottom third.
    static func asrCeiling(_ values: [Double?]) -> Double {
        min(100, max(10, ((values.compactMap { $0 }.max() ?? 0) / 10).rounded(.up) * 10))
    }

    /// `hh:mm value` per hour, local time, oldest first.
    private func hourly(_ values: [String]) -> String {
        zip(trends.hourStarts, values).map { start, value in
            "\(shown.timestamp((start + 60) * 60).dropFirst(11).prefix(5)) \(value)"
        }.joined(separator: ", ")
    }

    /// The chart's numbers as text, folded away under the chart.
    private func numbers(_ text: String) -> String {
        "<details><summary>numbers</summary><p class=\"numbers\">\(Self.escape(text))</p></details>"
    }

    static let chartStyle = """
    .trends td { vertical-align: top; }
    svg.chart { display: block; }
    details { font-size: 11px; color: var(--muted); }
    details summary { cursor: pointer; }
    .numbers { white-space: normal; max-width: 480px; margin: 2px 0 0; }
    .instance { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 0 0 12px; }
    .instance h3 { margin: 0 0 2px; font-size: 14px; }
    .instance .meta { margin: 0 0 6px; }
    .legend { display: inline-block; padding-left: 18px; position: relative; margin-right: 10px; }
    .legend::before { content: ""; position: absolute; left: 0; top: 50%; width: 14px; border-top: 2px dashed #c62828; }
    .legend.reset::before { border-top-color: #2e7d32; }

    """
}
