import Foundation

/// The parts of one named template: `NAME.subject`, `NAME.txt`, optional
/// `NAME.html` and `NAME.sms` (SPEC §7).
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

    /// The variables a template may use (SPEC §7), plus the `is_*` flags that let
    /// a Mustache template tell a firing from a reset without comparing strings.
    public static let knownVariables: Set<String> = [
        "name", "brandName", "title", "area", "operator", "threshold", "reset_threshold", "value",
        "sample_period", "level", "kind", "company", "company.id", "company.name", "company.type",
        "company.currency", "penalty", "penalty_until", "now", "attempts", "connected", "asr", "acd",
        "message", "is_fired", "is_repeat", "is_reset", "is_test",
    ]

    public static var builtIn: TemplateSet {
        var set = TemplateSet(templates: [:])
        // The built-in sources are fixed and covered by tests; a parse failure here is a bug.
        if let alert = try? BuiltInTemplates.alert() { set.templates["alert"] = alert }
        return set
    }

    /// Adds every template found in `folder`; a folder template named `alert` replaces the built-in one.
    mutating func load(folder: String, diagnostics: inout Diagnostics) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            diagnostics.add(Problem(file: folder, field: "templates", message: "the template folder cannot be read"))
            return
        }
        let bases = Set(names.compactMap { name -> String? in
            let ext = (name as NSString).pathExtension
            return ["subject", "txt", "html", "sms"].contains(ext) ? (name as NSString).deletingPathExtension : nil
        })
        for base in bases.sorted() {
            func part(_ ext: String, required: Bool) -> Template? {
                let path = (folder as NSString).appendingPathComponent("\(base).\(ext)")
                guard FileManager.default.fileExists(atPath: path) else {
                    if required { diagnostics.add(Problem(file: path, message: "missing: template \"\(base)\" needs \(base).subject and \(base).txt")) }
                    return nil
                }
                let source: String
                switch ConfigFile.text(path) {
                case .success(let text): source = text
                case .failure(let error):
                    diagnostics.add(Problem(file: path, message: error.description))
                    return nil
                }
                do {
                    return try Template(source: source, name: path)
                } catch {
                    diagnostics.add(Problem(file: path, message: error.description))
                    return nil
                }
            }
            let subject = part("subject", required: true)
            let text = part("txt", required: true)
            let html = part("html", required: false)
            let sms = part("sms", required: false)
            if let subject, let text {
                templates[base] = MessageTemplate(subject: subject, text: text, html: html, sms: sms)
            }
        }
    }

    /// Reports an alert naming a template that does not exist, or a template using an unknown variable.
    func check(alert: AlertDefinition, diagnostics: inout Diagnostics) {
        guard let template = templates[alert.template] else {
            let known = templates.keys.sorted().joined(separator: ", ")
            diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "template", message: "unknown template \"\(alert.template)\"; known: \(known)"))
            return
        }
        for part in template.parts {
            for name in part.variableNames.sorted() where !Self.knownVariables.contains(name) {
                diagnostics.add(Problem(file: alert.file, alert: alert.title, field: "template",
                                        message: "\(part.name) uses unknown variable {{\(name)}}; known: \(Self.knownVariables.sorted().joined(separator: ", "))"))
            }
        }
    }
}
