/// A parsed alert template (subject, text, HTML or SMS body) in the Mustache subset
/// shared with the ConnexCS softswitch's Handlebars templates.
///
/// Supported: `{{name}}`, `{{{name}}}` / `{{& name}}` (never escaped), sections
/// `{{#name}}…{{/name}}`, inverted sections `{{^name}}…{{/name}}`, comments
/// `{{! … }}`, dotted names `{{company.id}}` and `{{.}}` for the current item.
/// Section and comment tags alone on their line are removed with that line.
/// Partials, delimiter changes, lambdas and Handlebars helpers are rejected at parse time.
///
/// Parsing does all validation, so a `Template` that exists always renders.
public struct Template: Sendable {
    /// Deepest allowed nesting of sections; deeper templates fail to parse so that
    /// hostile input can never make parsing or rendering recurse without bound.
    public static let maxSectionDepth = 100

    /// The name given at parse time, e.g. `alert.html`.
    public let name: String

    /// Every name the template references in variable and section tags, dotted
    /// as written (`company.id`), excluding `.`, so callers can reject unknown
    /// variables before any data is read.
    ///
    /// Names inside a section are listed as written, even though at render time
    /// they may resolve against the section's item rather than the top level.
    public let variableNames: Set<String>

    /// Every variable and section name with where it is written, in source order.
    public let variableUses: [TemplateVariableUse]

    private let nodes: [TemplateNode]

    /// Parses `source`; `name` (e.g. `alert.html`) prefixes error messages.
    /// - Throws: ``TemplateError`` locating the first problem found.
    public init(source: String, name: String) throws(TemplateError) {
        self.name = name
        (self.nodes, self.variableUses) = try TemplateParser(source: source, name: name, maxDepth: Self.maxSectionDepth).parse()
        var names = Set<String>()
        Self.collectNames(in: nodes, into: &names)
        self.variableNames = names
    }

    /// An error for each use of a name outside `known`, located, with the closest known
    /// name when one is near (`compnay.name` → `company.name`).
    public func unknownVariables(known: Set<String>) -> [TemplateError] {
        let candidates = known.sorted()
        return variableUses.filter { !known.contains($0.name) }.map { use in
            let hint = Suggestion.closest(use.name, among: candidates).map { "; did you mean {{\($0)}}?" } ?? ""
            return TemplateError(name: name, line: use.line, column: use.column, message: "unknown variable {{\(use.name)}}\(hint)")
        }
    }

    /// Renders the template against `context`.
    ///
    /// - Parameter escapeHTML: escape `{{name}}` output for HTML (`&<>"'`); pass
    ///   `true` for `.html` templates and `false` for subject, text and SMS, whose
    ///   readers would otherwise see `&amp;`. Triple-mustache and `{{&name}}` output
    ///   is never escaped.
    ///
    /// Missing names render as nothing; lists and objects used as `{{name}}`
    /// render as nothing; booleans render as `true` / `false`.
    public func render(_ context: TemplateValue, escapeHTML: Bool) -> String {
        var output = ""
        var stack = [context]
        Self.render(nodes, stack: &stack, escapeHTML: escapeHTML, into: &output)
        return output
    }

    // Recursion depth is bounded by `maxSectionDepth`, enforced by the parser.
    private static func render(_ nodes: [TemplateNode], stack: inout [TemplateValue], escapeHTML: Bool, into output: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let name, let escaped):
                let text = lookUp(name, in: stack).renderedText
                if escaped && escapeHTML {
                    appendEscapingHTML(text, to: &output)
                } else {
                    output += text
                }
            case .section(let name, let inverted, let body):
                let value = lookUp(name, in: stack)
                if inverted {
                    if !value.isTruthy {
                        render(body, stack: &stack, escapeHTML: escapeHTML, into: &output)
                    }
                    continue
                }
                guard value.isTruthy else { continue }
                let items: [TemplateValue]
                if case .list(let list) = value {
                    items = list
                } else {
                    // Objects and truthy scalars render once with themselves as `{{.}}`.
                    items = [value]
                }
                for item in items {
                    stack.append(item)
                    render(body, stack: &stack, escapeHTML: escapeHTML, into: &output)
                    stack.removeLast()
                }
            }
        }
    }

    /// Mustache resolution: the first part is searched from the innermost context
    /// outward; the remaining parts must resolve inside what it found. A partial
    /// match does not fall back to outer contexts, so `{{company.name}}` never
    /// silently picks up an unrelated outer `name`.
    private static func lookUp(_ name: TemplateName, in stack: [TemplateValue]) -> TemplateValue {
        guard let first = name.parts.first else {
            return stack.last ?? .null
        }
        var found: TemplateValue?
        for frame in stack.reversed() {
            if case .object(let fields) = frame, let value = fields[first] {
                found = value
                break
            }
        }
        guard var value = found else { return .null }
        for part in name.parts.dropFirst() {
            guard case .object(let fields) = value, let next = fields[part] else {
                return .null
            }
            value = next
        }
        return value
    }

    // Unicode scalars, not Characters: "&" followed by a combining mark is a single
    // Character that would not compare equal to "&" and would slip through unescaped.
    static func appendEscapingHTML(_ text: String, to output: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
    }

    private static func collectNames(in nodes: [TemplateNode], into names: inout Set<String>) {
        for node in nodes {
            switch node {
            case .text:
                break
            case .variable(let name, _):
                if !name.parts.isEmpty { names.insert(name.raw) }
            case .section(let name, _, let body):
                if !name.parts.isEmpty { names.insert(name.raw) }
                collectNames(in: body, into: &names)
            }
        }
    }
}
