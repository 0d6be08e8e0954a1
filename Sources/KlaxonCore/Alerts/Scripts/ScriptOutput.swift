import Foundation

/// What a script alert prints (behaviour.md "Alerts and the state machine"): a JSON list of
/// `{company, fire, value?, message?}`. Other keys are ignored, so a script may
/// print what helps it being debugged. A company the list leaves out has no
/// value this run: its instance keeps its state.
enum ScriptOutput {
    struct Item: Decodable {
        var company: String
        var fire: Bool
        var value: Double?
        var message: String?
    }

    /// Longest message kept; longer ones are cut (they end up in e-mails and SMS).
    static let maxMessage = 1_000

    struct Parsed {
        var verdicts: [String: ScriptVerdict] = [:]
        /// Companies named that are not in the alert's scope: left alone, and warned about.
        var ignored: [String] = []
    }

    /// The verdicts by company, or why the output cannot be used.
    static func parse(_ data: Data, inScope: Set<String>) -> Result<Parsed, ScriptFailure> {
        let items: [Item]
        do {
            items = try JSONDecoder().decode([Item].self, from: data)
        } catch let error as DecodingError {
            return .failure(.invalidOutput(describe(error)))
        } catch {
            return .failure(.invalidOutput("\(error)"))
        }
        var parsed = Parsed()
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            guard seen.insert(item.company).inserted else {
                return .failure(.invalidOutput("item \(i): company \"\(item.company)\" is listed twice"))
            }
            if let v = item.value, !v.isFinite { return .failure(.invalidOutput("item \(i): value is not a finite number")) }
            guard inScope.contains(item.company) else {
                parsed.ignored.append(item.company)
                continue
            }
            let message = item.message.map { String($0.prefix(maxMessage)) }
            parsed.verdicts[item.company] = ScriptVerdict(fire: item.fire, value: item.value, message: message)
        }
        return .success(parsed)
    }

    /// One line for a decoding error: where (item index, key) and what.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "item \($0)" } ?? $0.stringValue }
            return keys.isEmpty ? "" : keys.joined(separator: ": ") + ": "
        }
        switch error {
        case .dataCorrupted(let c):
            let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return path(c) + "not JSON" + (underlying.map { " (\($0))" } ?? "")
        case .keyNotFound(let key, let c): return path(c) + "\"\(key.stringValue)\" is missing"
        case .typeMismatch(let type, let c): return path(c) + "expected \(type == Bool.self ? "true or false" : type == String.self ? "a string" : type == Double.self ? "a number" : "a list of objects")"
        case .valueNotFound(_, let c): return path(c) + "must not be null"
        @unknown default: return "\(error)"
        }
    }
}

/// Why a script alert has no verdicts this run.
enum ScriptFailure: Error, Equatable {
    case notRun(String)
    case exited(Int32)
    case signalled(Int32)
    case timedOut(TimeSpan)
    case outputTooLarge(Int)
    case invalidOutput(String)

    var description: String {
        switch self {
        case .notRun(let why): "could not be started: \(why)"
        case .exited(let status): "exited with status \(status)"
        case .signalled(let signal): "was killed by signal \(signal)"
        case .timedOut(let limit): "did not finish within \(limit) and was killed with its process group"
        case .outputTooLarge(let cap): "printed more than \(cap) bytes and was killed"
        case .invalidOutput(let why): "printed invalid output: \(why); expected a JSON list of {company, fire, value?, message?}"
        }
    }
}
