/// Reads an alert's behaviour.md "Destinations, fraud rules and baselines" fields: `by`, `destinations`, `levels`, `active`.
/// The destination filter is resolved later, against the job's table
/// (`FraudCheck`), since alert files are read apart from the job.
enum FraudFieldsParser {
    static func parse(_ r: inout ObjectReader, area: Area?, comparison: Comparison?, threshold: Double?) -> FraudSettings {
        var fraud = FraudSettings()
        if let name = r.string("by") {
            if let by = FraudSettings.By(rawValue: name) { fraud.by = by } else {
                r.problem("by", "unknown value \"\(name)\"; use company or destination")
            }
        }
        fraud.filter = r.strings("destinations")
        if fraud.filter != nil, fraud.by != .destination {
            r.problem("destinations", "filters destinations, so it needs by: \"destination\"")
        }
        if fraud.filter?.isEmpty == true { r.problem("destinations", "names no destination; leave it out to watch every one") }
        if fraud.by == .destination, let area, !area.isWindowed || area == .script {
            r.problem("by", "area \(area.rawValue) has no value per destination; use a windowed area (attempts, spend, calls_per_minute…)")
        }
        if var l = r.object("levels") {
            let warning = l.number("warning", required: true)
            let critical = l.number("critical", required: true)
            l.rejectUnknownKeys()
            r.absorb(l)
            if let warning, let critical { fraud.levels = checkLevels(&r, Levels(warning: warning, critical: critical), comparison: comparison, threshold: threshold) }
        }
        if var b = r.object("baseline") {
            fraud.baseline = Baseline.parse(&b)
            b.rejectUnknownKeys()
            r.absorb(b)
            if let area, !area.isWindowed || area.isPerCall || area == .script {
                r.problem("baseline", "area \(area.rawValue) has no hourly totals to compare with; use a summed area (attempts, minutes, spend, asr…)")
            }
        }
        fraud.minBaseline = r.number("min_baseline")
        if fraud.minBaseline != nil, !r.has("baseline") { r.problem("min_baseline", "only with a baseline") }
        if var a = r.object("active") {
            fraud.active = HoursOfWeek.parse(&a)
            a.rejectUnknownKeys()
            r.absorb(a)
        }
        return fraud
    }

    private static func checkLevels(_ r: inout ObjectReader, _ levels: Levels, comparison: Comparison?, threshold: Double?) -> Levels? {
        if threshold != nil { r.problem("threshold", "not with levels: the warning level is the threshold") }
        if r.has("level") { r.problem("level", "not with levels: the level is the instance's, warning or critical") }
        switch comparison {
        case .greaterThan?, .greaterOrEqual?:
            guard levels.critical >= levels.warning else {
                r.problem("levels", "critical \(levels.critical) is below warning \(levels.warning) for operator \(comparison?.rawValue ?? ""); critical must be the further bound")
                return nil
            }
        case .lessThan?, .lessOrEqual?:
            guard levels.critical <= levels.warning else {
                r.problem("levels", "critical \(levels.critical) is above warning \(levels.warning) for operator \(comparison?.rawValue ?? ""); critical must be the further bound")
                return nil
            }
        case .equal?, .always?:
            r.problem("levels", "need operator <, <=, > or >=, not \(comparison?.rawValue ?? "")")
            return nil
        case nil:
            return nil
        }
        return levels
    }
}

/// Job-level checks of behaviour.md "Destinations, fraud rules and baselines" once every alert is read: the destination
/// filters against the table, and a table for every alert that needs one.
enum FraudCheck {
    static func resolve(_ alerts: inout [AlertDefinition], table: DestinationTable?, diagnostics: inout Diagnostics) {
        for alert in alerts where alert.fraud.baseline != nil {
            if let day = alert.calendarDay {
                // A calendar day is 0 to 25 hours long as the day goes on, its samples are not: the ratio would fall at each midnight.
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "sample_period",
                                        message: "a baseline compares windows of one length, and \"\(day.rawValue)\" changes length; write whole hours such as \"24h\""))
            } else if let period = alert.samplePeriod, period.seconds % 3_600 != 0 || period.seconds > 7 * 86_400 {
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "sample_period",
                                        message: "a baseline compares whole hours: write 1h to 7d in hours (e.g. \"1h\", \"3h\")"))
            }
        }
        for i in alerts.indices where alerts[i].fraud.by == .destination {
            let alert = alerts[i]
            guard let table else {
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "by",
                                        message: "by: \"destination\" needs the job's destinations table: add destinations: { file: \"prefixes.csv\" }"))
                continue
            }
            guard let filter = alert.fraud.filter else { continue }
            var watched = Set<Int32>()
            for (n, entry) in filter.enumerated() {
                if entry == DestinationTable.other { watched.insert(DestinationIndex.other); continue }
                if let found = table.resolve(entry) { watched.formUnion(found) } else {
                    diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "destinations[\(n)]",
                                            message: "\"\(entry)\" is no group (group:NAME), destination name or prefix of \(table.file)"))
                }
            }
            alerts[i].fraud.watched = watched
        }
    }
}
