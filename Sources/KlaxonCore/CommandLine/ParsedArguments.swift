import Foundation

/// A command line as its `CommandSpec` reads it.
public struct ParsedArguments: Sendable, Equatable {
    public var positionals: [String] = []
    /// The options that take a value, by name without the dashes.
    public var options: [String: String] = [:]
    /// The flags given, by name without the dashes.
    public var flags: Set<String> = []

    public init(positionals: [String] = [], options: [String: String] = [:], flags: Set<String> = []) {
        self.positionals = positionals
        self.options = options
        self.flags = flags
    }

    /// The `--name` time as an ISO 8601 date, nil when not given.
    public func date(_ name: String) throws(ArgumentError) -> Date? {
        guard let text = options[name] else { return nil }
        guard let date = ISO8601Parsing.date(text) else {
            throw ArgumentError("--\(name) \"\(text)\" is not an ISO 8601 time; write e.g. 2026-11-27T03:00:00Z")
        }
        return date
    }
}

/// A command line that cannot be run, with what to write instead.
public struct ArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Parses the times an operator writes (`--now`, a scenario's `now` and `at`): ISO 8601 with
/// or without fractional seconds; no zone means UTC.
public enum ISO8601Parsing {
    public static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
                                                      [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]] {
            f.formatOptions = options
            if let d = f.date(from: text) { return d }
        }
        var t = text.replacingOccurrences(of: " ", with: "T")
        if !t.hasSuffix("Z") && !t.contains("+") { t += "Z" }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: t)
    }
}
