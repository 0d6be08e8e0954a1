import Foundation

/// Reads the job's `maintenance` list (recurring silences), naming the window
/// and the field of every problem.
enum MaintenanceParser {
    static func parse(_ r: inout ObjectReader, alertTitles: Set<String>) -> [MaintenanceWindow] {
        guard let list = r.raw("maintenance") else { return [] }
        guard let items = list.arrayValue else {
            r.problem("maintenance", "expected a list of windows, found \(list.kindName)")
            return []
        }
        var windows: [MaintenanceWindow] = []
        for (index, item) in items.enumerated() {
            let field = "maintenance[\(index)]"
            guard let object = item.objectValue else {
                r.problem(field, "expected a window object, found \(item.kindName)")
                continue
            }
            // The window's name in every message about it, so the operator finds it without counting.
            let named = object["name"]?.stringValue.map { "\(field) (\"\($0)\")" } ?? field
            var w = ObjectReader(object, file: r.file, path: r.fieldName(named))
            if let window = parseWindow(&w, alertTitles: alertTitles) { windows.append(window) }
            w.rejectUnknownKeys()
            r.absorb(w)
        }
        return windows
    }

    private static func parseWindow(_ w: inout ObjectReader, alertTitles: Set<String>) -> MaintenanceWindow? {
        let name = w.string("name", required: true)
        let alerts = w.strings("alerts") ?? []
        for (i, title) in alerts.enumerated() where !alertTitles.contains(title) {
            w.problem("alerts[\(i)]", "unknown alert \"\(title)\"\(Suggestion.didYouMean(title, among: alertTitles.sorted(), prefix: "")); leave `alerts` out to cover every alert")
        }
        let companies = w.strings("companies") ?? []
        let tags = w.strings("tags") ?? []
        var days = Set(1...7)
        if let names = w.strings("days") {
            days = []
            for (i, dayName) in names.enumerated() {
                if let n = MaintenanceWindow.dayNames.firstIndex(of: dayName.lowercased()) { days.insert(n + 1) }
                else { w.problem("days[\(i)]", "unknown day \"\(dayName)\"; use mon, tue, wed, thu, fri, sat or sun") }
            }
            if names.isEmpty { w.problem("days", "is empty, so the window would never open; leave it out for every day") }
        }
        let from = time(&w, "from", allowMidnightEnd: false)
        let to = time(&w, "to", allowMidnightEnd: true)
        if let from, let to, from == to {
            w.problem("to", "equals `from`, so the window would be empty; for a whole day write from: \"00:00\", to: \"24:00\"")
        }
        var timeZone = TimeZone(identifier: "UTC")
        if let zoneName = w.string("timezone") {
            timeZone = TimeZone(identifier: zoneName)
            if timeZone == nil { w.problem("timezone", "unknown time zone \"\(zoneName)\"; write an IANA name such as \"Europe/London\" or \"UTC\"") }
        }
        guard let name, let from, let to, let timeZone, w.problems.isEmpty else { return nil }
        return MaintenanceWindow(name: name, alerts: alerts, companies: companies, tags: tags, days: days,
                                 from: from, to: to, timeZone: timeZone)
    }

    /// "HH:MM" as minutes after midnight; "24:00" only for the end of a window.
    private static func time(_ w: inout ObjectReader, _ key: String, allowMidnightEnd: Bool) -> Int? {
        guard let text = w.string(key, required: true) else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 2, parts[1].count == 2,
           parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
           let h = Int(parts[0]), let m = Int(parts[1]) {
            if h < 24 && m < 60 { return h * 60 + m }
            if allowMidnightEnd && h == 24 && m == 0 { return 1_440 }
        }
        w.problem(key, "malformed time \"\(text)\"; write HH:MM on a 24-hour clock, e.g. \"02:30\"\(allowMidnightEnd ? " (or \"24:00\" for the end of the day)" : "")")
        return nil
    }
}
