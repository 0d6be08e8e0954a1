/// Data a ``Template`` is rendered against.
///
/// There is deliberately no number case: callers format numbers (thresholds,
/// rates, durations) themselves so that units and precision are decided in one
/// place rather than by the template engine.
public indirect enum TemplateValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])
    case null

    /// Whether a section `{{#name}}` over this value renders (and `{{^name}}` does not).
    ///
    /// Follows Handlebars rather than strict Mustache so that ConnexCS templates
    /// behave the same here: `false`, `null`, the empty string and the empty list
    /// are falsy. Everything else is truthy, including the string `"0"`, the string
    /// `"false"` and the empty object.
    public var isTruthy: Bool {
        switch self {
        case .bool(let value): value
        case .null: false
        case .string(let value): !value.isEmpty
        case .list(let items): !items.isEmpty
        case .object: true
        }
    }

    /// The text a `{{name}}` tag inserts for this value.
    ///
    /// Lists and objects render as nothing rather than a debug dump, so a
    /// template mistake never leaks internal structure into a customer e-mail.
    var renderedText: String {
        switch self {
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .list, .object, .null: ""
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension TemplateValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: TemplateValue...) {
        self = .list(elements)
    }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        // Dictionary(uniqueKeysWithValues:) traps on duplicates; the last one wins instead.
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
