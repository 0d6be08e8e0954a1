import Foundation
import KlaxonEngine

/// A parsed JSON5 document, kept as a tree so that loaders can report every
/// problem with its field name instead of stopping at the first decoding error.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON with the JSON5 extensions (comments, trailing commas, unquoted keys,
    /// single quotes, hexadecimal numbers, Infinity and NaN); a syntax error is a
    /// `JSON5SyntaxError` with its line and column.
    public static func parseJSON5(_ data: Data) throws -> JSONValue {
        let bytes = [UInt8](data)
        if let offset = UTF8Check.firstInvalid(bytes) {
            throw ConfigFileError("not UTF-8 text (byte \(offset))")
        }
        return try JSON5Parser.parse(bytes)
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var numberValue: Double? { if case .number(let n) = self { n } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// A short name of the value's kind, for messages such as "expected a string, found a number".
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}
