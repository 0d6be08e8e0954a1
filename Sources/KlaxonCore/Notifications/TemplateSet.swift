import Foundation

/// The parts of one named template: `NAME.subject`, `NAME.txt`, optional
/// `NAME.html` and `NAME.sms` (behaviour.md "Notifications").
public struct MessageTemplate: Sendable {
    public var subject: Template
    public var text: Template
    public var html: Template?
    public var sms: Template?

    var parts: [Template] { [subject, text] + [html, sms].compactMap { $0 } }
}

/// The templates a job can name: the built-in `alert` plus its template folder's.
public struct TemplateSet: Sendable {
    public private(set) var templates: [String: MessageTemplate]
    /// Templates of the folder that could not be loaded; their problems are reported
    /// once, at the file, not again at every alert that names them.
    private(set) var unusable: Set<String> = []

    /// The variables a template may use (behaviour.md "Notifications"), plus the `is_*` flags that let
    /// a Mustache template tell a firing from a reset without comparing strings.
    public static let knownVariables: Set<String> = [
        "name", "brandName", "title", "area", "operator", "threshold", "reset_threshold", "value",
        "sample_period", "level", "kind", "company", "company.id", "company.name", "company.type",
        "company.currency", "penalty", "penalty_until", "now", "attempts", "connected", "asr", "acd",
        "message", "is_fired", "is_repeat", "is_reset", "is_test",
        "is_escalated", "triggered_since",
        "destination", "severity", "is_critical", "baseline", "ratio",
    ]

    public static var builtIn: TemplateSet {
        var set = TemplateSet(templates: [:])
        // The built-in sources are fixed and covered by tests; a parse failure here is a bug.
        if let alert = try? BuiltInTemplates.alert() { set.templates["alert"] = alert }
        if let digest = try? DigestTemplates.digest() { set.templates[DigestTemplates.name] = digest }
        return set
    }

    /// Adds every template found in `folder`; a folder template named `alert` replaces the built-in one.
    mutating func load(folder: String, diagnostics: inout Diagnostics) {
        var listedVariables = false
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            diagnostics.add(Problem(file: folder, field: "templates", message: "the template folder cannot be read"))
            return
        }
        let bases = Set(names.compactMap { name -> String? in
            let ext = (name as NSString).pathExtension
            return ["subject", "txt", "html", "sms"].contains(ext) ? (name as NSString).deletingPathExtension : nil
        })
        for base in bases.sorted() {
            let known = base == DigestTemplates.name ? DigestTemplates.knownVariables : Self.knownVariables
            func part(_ ext: String, required: Bool) -> Template? {
                let path = (folder as NSString).appendingPathComponent("\(base).\(ext)")
                guard FileManager.default.fileExists(atPath: path) else {
                    if required { diagnostics.add(Problem(file: path, message: "missing: template \"\(base)\" needs \(base).subject and \(base).txt")) }
                    return nil
                }
                guard let source = ConfigFile.text(path, diagnostics: &diagnostics) else { return nil }
                do {
                    let template = try Template(source: source, name: path)
                    for error in template.unknownVariables(known: known) {
                        // The list of variables once per job, not after every mistake.
                        let list = error.message.contains("did you mean") || listedVariables ? ""
                            : "; a template may use \(known.sorted().joined(separator: ", "))"
                        if !list.isEmpty { listedVariables = true }
                        diagnostics.add(Problem(file: path, message: error.located + list))
                    }
                    return template
                } catch {
                    diagnostics.add(Problem(file: path, message: error.located))
                    return nil
                }
            }
            let subject = part("subject", required: true)
            let text = part("txt", required: true)
            let html = part("html", required: false)
            let sms = part("sms", required: false)
            if let subject, let text {
                templates[base] = MessageTemplate(subject: subject, text: text, html: html, sms: sms)
            } else {
                unusable.insert(base)
            }
        }
    }

    /// The set with `template` under `name` unless the folder defines one (the built-in `feed`).
    func adding(_ name: String, _ template: MessageTemplate) -> TemplateSet {
        var set = self
        if set.templates[name] == nil { set.templates[name] = template }
        return set
    }

    /// Reports an alert naming a template that does not exist; a template of the folder
    /// that failed to load has already been reported at its file.
    func check(alert: AlertDefinition, diagnostics: inout Diagnostics) {
        if let problem = DigestTemplates.alertNamingDigest(alert) {
            diagnostics.add(problem)
            return
        }
        guard templates[alert.template] == nil, !unusable.contains(alert.template) else { return }
        let names = templates.keys.filter { $0 != DigestTemplates.name }.sorted()
        let known = names.joined(separator: ", ")
        let hint = Suggestion.closest(alert.template, among: names).map { "; did you mean \"\($0)\"?" } ?? ""
        diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "template", message: "unknown template \"\(alert.template)\"\(hint) (known: \(known))"))
    }
}
