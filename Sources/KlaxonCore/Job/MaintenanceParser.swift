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
        let hours = HoursOfWeek.parse(&w)
        guard let name, let hours, w.problems.isEmpty else { return nil }
        return MaintenanceWindow(name: name, alerts: alerts, companies: companies, tags: tags, hours: hours)
    }
}
