/// What a scenario step says about the messages each recipient got (behaviour.md "Grouped notifications"):
///
/// ```json5
/// expect: {
///   fired_count: 300,                             // instead of listing 300 "alert/company" names
///   reset_count: 300,                             // likewise for `reset`
///   messages: { "noc@example.com": 1, "+15550100": 1 },   // e-mails and SMS sent to each, this step
///   companies: { "ops@c1.example": ["C1"] },      // the companies those messages were about
///   contains: { "+15550100": ["+297 more"] },     // in the e-mail subject, or the SMS (lines joined by " / ")
/// }
/// ```
///
/// Recipients are matched without case; a recipient not named is not checked.
struct MessageExpectations: Equatable {
    var firedCount: Int?
    var resetCount: Int?
    var messages: [String: Int] = [:]
    var companies: [String: Set<String>] = [:]
    var contains: [String: [String]] = [:]

    /// Reads the keys above from a step's `expect`; `fail` builds the error naming the step.
    static func parse(_ expect: [String: JSONValue], fail: (String) -> KlaxonError) throws(KlaxonError) -> MessageExpectations {
        var out = MessageExpectations()
        func count(_ key: String) throws(KlaxonError) -> Int? {
            guard let n = expect[key] else { return nil }
            guard let count = n.numberValue, count >= 0, count == count.rounded() else { throw fail("`\(key)` must be a whole number") }
            return Int(count)
        }
        out.firedCount = try count("fired_count")
        out.resetCount = try count("reset_count")
        for (key, value) in expect["messages"]?.objectValue ?? [:] {
            guard let count = value.numberValue, count >= 0, count == count.rounded() else {
                throw fail("`messages` maps a recipient to a whole number of messages; \"\(key)\" has \(value.kindName)")
            }
            out.messages[key.lowercased()] = Int(count)
        }
        func lists(_ name: String) throws(KlaxonError) -> [String: [String]] {
            var lists: [String: [String]] = [:]
            for (key, value) in expect[name]?.objectValue ?? [:] {
                guard let items = value.arrayValue?.compactMap(\.stringValue), items.count == value.arrayValue?.count else {
                    throw fail("`\(name)` maps a recipient to a list of strings; \"\(key)\" has \(value.kindName)")
                }
                lists[key.lowercased()] = items
            }
            return lists
        }
        out.companies = try lists("companies").mapValues { Set($0) }
        out.contains = try lists("contains")
        return out
    }

    /// The mismatches between these expectations and what a run sent.
    func mismatches(sent: [Outbox.Outcome]) -> [String] {
        var out: [String] = []
        func to(_ recipient: String) -> [Outbox.Outcome] {
            sent.filter { ($0.channel == .email || $0.channel == .sms) && $0.recipients.contains { $0.lowercased() == recipient } }
        }
        for (recipient, expected) in messages.sorted(by: { $0.key < $1.key }) where to(recipient).count != expected {
            out.append("messages to \(recipient): expected \(expected), got \(to(recipient).count)")
        }
        for (recipient, expected) in companies.sorted(by: { $0.key < $1.key }) {
            let actual = Set(to(recipient).flatMap { $0.digest?.companies ?? [$0.company].compactMap { $0 } })
            if actual != expected {
                out.append("companies in messages to \(recipient): expected [\(expected.sorted().joined(separator: ", "))], got [\(actual.sorted().joined(separator: ", "))]")
            }
        }
        for (recipient, needles) in contains.sorted(by: { $0.key < $1.key }) {
            let texts = to(recipient).compactMap(\.subject)
            for needle in needles where !texts.contains(where: { $0.contains(needle) }) {
                out.append("no message to \(recipient) contains \"\(needle)\" (got: \(texts.map { "\"\($0.prefix(200))\"" }.joined(separator: ", ")))")
            }
        }
        return out
    }
}
