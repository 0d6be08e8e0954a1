import Foundation

/// Loads a job file and everything it names (alert files, templates), and
/// validates all of it before any data is read (behaviour.md "A run" step 2).
public enum JobLoader {
    /// The job, or every problem found in it at once. `base`, when given, is the folder
    /// its relative paths start from instead of the file's own (`klaxon replay` runs a copy).
    public static func load(_ path: String, relativeTo base: String? = nil) -> Result<Job, KlaxonError> {
        var diagnostics = Diagnostics()
        let job = load(path, relativeTo: base, diagnostics: &diagnostics)
        if let job, diagnostics.isEmpty { return .success(job) }
        return .failure(KlaxonError(.invalidJob, "\(path): the job is not valid (\(diagnostics.problems.count) problem\(diagnostics.problems.count == 1 ? "" : "s"))", problems: diagnostics.problems))
    }

    static func load(_ path: String, relativeTo base: String? = nil, diagnostics: inout Diagnostics) -> Job? {
        let file = PathResolver.absolute(path, relativeTo: FileManager.default.currentDirectoryPath)
        guard let root = readJSON5Object(file, diagnostics: &diagnostics) else { return nil }
        let folder = base ?? (file as NSString).deletingLastPathComponent
        let resolve = { (p: String) in PathResolver.absolute(p, relativeTo: folder) }
        var r = ObjectReader(root, file: file)

        let name = r.string("name") ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let interval = r.duration("interval") ?? TimeSpan(seconds: 3_600)
        let state = r.string("state", required: true).map(resolve)
        let brand = r.string("brand") ?? ""
        let lag = r.duration("lag", allowZero: true) ?? TimeSpan(seconds: 0)
        let metricsFile = r.string("metrics_file").map(resolve)
        let timezone = TimezoneParser.parse(&r)

        var balances: InputSettings?
        var cdrs: InputSettings?
        if var inputs = r.object("inputs") {
            if var b = inputs.object("balances") {
                balances = InputParser.parse(&b, kind: .balances, resolve: resolve)
                inputs.absorb(b)
            }
            if var c = inputs.object("cdrs") {
                cdrs = InputParser.parse(&c, kind: .cdrs, resolve: resolve)
                inputs.absorb(c)
            }
            inputs.rejectUnknownKeys()
            r.absorb(inputs)
        }

        let templateFolder = r.string("templates").map(resolve)
        var templates = TemplateSet.builtIn
        if let templateFolder {
            templates.load(folder: templateFolder, diagnostics: &diagnostics)
        }

        let email = DeliveryParser.email(&r, resolve: resolve)
        let sms = DeliveryParser.sms(&r, resolve: resolve)
        let penalties = DeliveryParser.penalties(&r, resolve: resolve, stateDirectory: state ?? folder)
        let delivery = DeliveryParser.delivery(&r)
        let reportMail = ReportMailSettings.parse(&r, hasEmail: email != nil)
        let notify = NotifyParser.parse(&r)
        let operators = FeedParser.operators(&r)
        let webhooks = WebhookParser.parse(&r, resolve: resolve)

        let destinations = DestinationsParser.parse(&r, resolve: resolve, diagnostics: &diagnostics)
        var alerts: [AlertDefinition] = []
        if let list = r.raw("alerts") {
            if let items = list.arrayValue {
                alerts += AlertParser.parse(items, file: file, diagnostics: &diagnostics)
            } else {
                r.problem("alerts", "expected a list of alert definitions, found \(list.kindName)")
            }
        }
        for pattern in r.strings("alert_files") ?? [] {
            let matches = Glob.files(matching: resolve(pattern))
            if matches.isEmpty {
                r.problem("alert_files", "\"\(pattern)\" matches no file")
            }
            for alertFile in matches {
                guard let value = readJSON5(alertFile, diagnostics: &diagnostics) else { continue }
                // An alert file holds a list of alerts, or an object with an `alerts` list.
                if let items = value.arrayValue ?? value["alerts"]?.arrayValue {
                    alerts += AlertParser.parse(items, file: alertFile, diagnostics: &diagnostics)
                } else {
                    diagnostics.add(Problem(file: alertFile, message: "expected a list of alert definitions (or an object with `alerts`)"))
                }
            }
        }
        let maintenance = MaintenanceParser.parse(&r, alertTitles: Set(alerts.map(\.title)))
        r.rejectUnknownKeys()
        diagnostics.add(contentsOf: r.problems)

        AlertParser.checkDuplicateTitles(alerts, diagnostics: &diagnostics)
        ScriptAlerts.resolveScripts(&alerts, folder: folder, diagnostics: &diagnostics)
        FraudCheck.resolve(&alerts, table: destinations, diagnostics: &diagnostics)
        for alert in alerts {
            templates.check(alert: alert, diagnostics: &diagnostics)
            checkChannels(alert, email: email, sms: sms, diagnostics: &diagnostics)
            EscalationParser.checkChannels(alert, email: email, sms: sms, diagnostics: &diagnostics)
            WebhookParser.checkRecipients(alert, webhooks: webhooks, diagnostics: &diagnostics)
        }

        guard let state else { return nil }
        var job = Job(file: file, name: name, interval: interval, stateDirectory: state, brand: brand,
                   balances: balances, cdrs: cdrs, templates: templates, email: email, sms: sms,
                   penalties: penalties, delivery: delivery, alerts: alerts, report: reportMail, baseFolder: base,
                   lag: lag, metricsFile: metricsFile, destinations: destinations)
        job.notify = notify
        job.maintenance = maintenance
        job.operators = operators
        FeedParser.check(job, diagnostics: &diagnostics)
        job.shownTime = ShownTime(zone: timezone)
        job.webhooks = webhooks
        ClickHouseParser.checkAlerts(job, diagnostics: &diagnostics)
        WebhookParser.checkNames(operators, webhooks: webhooks, file: file, alert: nil, field: "operators", diagnostics: &diagnostics)
        return job
    }

    /// An alert that mails or texts someone needs the job's settings for that channel.
    private static func checkChannels(_ alert: AlertDefinition, email: EmailSettings?, sms: SMSSettings?, diagnostics: inout Diagnostics) {
        var needs: [(String, Bool)] = []
        for recipient in alert.recipients {
            switch recipient {
            case .email: needs.append(("sends e-mail, but the job has no `email` settings", email != nil))
            case .phone: needs.append(("sends SMS, but the job has no `sms` settings", sms != nil))
            case .contacts: needs.append(("writes to the company's contacts, but the job has neither `email` nor `sms` settings", email != nil || sms != nil))
            case .webhook: break  // checked against the job's `webhooks` by WebhookParser.checkRecipients
            }
        }
        for message in Set(needs.filter { !$0.1 }.map(\.0)).sorted() {
            diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "to", message: message))
        }
    }

    static func readJSON5(_ file: String, diagnostics: inout Diagnostics) -> JSONValue? {
        guard let text = ConfigFile.text(file, diagnostics: &diagnostics) else { return nil }
        do throws(JSON5SyntaxError) {
            return try JSON5Parser.parse(Array(text.utf8))
        } catch {
            diagnostics.add(Problem(file: file, message: "not valid JSON5 at line \(error.line), column \(error.column): \(error.message)"))
            return nil
        }
    }

    static func readJSON5Object(_ file: String, diagnostics: inout Diagnostics) -> [String: JSONValue]? {
        guard let value = readJSON5(file, diagnostics: &diagnostics) else { return nil }
        guard let object = value.objectValue else {
            diagnostics.add(Problem(file: file, message: "expected a JSON object at the top, found \(value.kindName)"))
            return nil
        }
        return object
    }
}
