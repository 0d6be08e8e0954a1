import Foundation

/// A template that cannot be parsed, located precisely enough to fix it in an editor.
///
/// Described as `NAME:LINE:COLUMN: MESSAGE`, the format compilers use, e.g.
/// `alert.html:3:5: section "company" opened on line 1 is closed by "/penalty"`.
public struct TemplateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The template's name as given to ``Template/init(source:name:)``, e.g. `alert.html`.
    public var name: String
    /// 1-based line of the offending tag.
    public var line: Int
    /// 1-based column (in characters) where the offending tag starts.
    public var column: Int
    public var message: String

    public init(name: String, line: Int, column: Int, message: String) {
        self.name = name
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        "\(name):\(line):\(column): \(message)"
    }

    /// Without the name, for a `Problem` that already names the file.
    public var located: String { "line \(line), column \(column): \(message)" }
}

/// A variable or section name as written in a template, and where.
public struct TemplateVariableUse: Sendable, Equatable {
    public var name: String
    public var line: Int
    public var column: Int
}

// So `error.localizedDescription` shows the located message instead of a generic one.
extension TemplateError: LocalizedError {
    public var errorDescription: String? { description }
}
