import Foundation
import KlaxonCore

/// The command line after the command name: positionals and `--flag [value]` options.
struct Arguments: Sendable {
    var positionals: [String] = []
    var options: [String: String] = [:]
    var flags: Set<String> = []

    struct Invalid: Error { var message: String }

    /// `valued` lists the options that take a value; every other `--x` is a flag.
    init(_ raw: [String], valued: Set<String>, flags allowed: Set<String>) throws(Invalid) {
        var i = 0
        while i < raw.count {
            let arg = raw[i]
            if arg.hasPrefix("--") {
                var name = String(arg.dropFirst(2))
                var inline: String?
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if valued.contains(name) {
                    if let inline { options[name] = inline } else {
                        guard i + 1 < raw.count else { throw Invalid(message: "--\(name) needs a value") }
                        options[name] = raw[i + 1]
                        i += 1
                    }
                } else if allowed.contains(name) || name == "help" || name == "quiet" {
                    flags.insert(name)
                } else {
                    throw Invalid(message: "unknown option --\(name)")
                }
            } else {
                positionals.append(arg)
            }
            i += 1
        }
    }

    func date(_ name: String) throws(Invalid) -> Date? {
        guard let text = options[name] else { return nil }
        guard let date = ISO8601Parsing.date(text) else {
            throw Invalid(message: "--\(name) \"\(text)\" is not an ISO 8601 time; write e.g. 2026-11-27T03:00:00Z")
        }
        return date
    }
}

/// Parses `--now` values: ISO 8601 with or without fractional seconds; no zone means UTC.
enum ISO8601Parsing {
    static func date(_ text: String) -> Date? {
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
