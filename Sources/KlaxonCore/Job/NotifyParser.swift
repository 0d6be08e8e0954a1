/// How a job's e-mail and SMS notifications are grouped (job-level `notify`).
public struct NotifySettings: Sendable, Equatable {
    public enum Group: String, Sendable, CaseIterable {
        /// One message per event and recipient list (the default).
        case none
        /// One message per address and run, holding every event for it (a digest).
        case recipient
    }

    public var group: Group = .none

    public init(group: Group = .none) { self.group = group }
}

/// Reads `notify: { group: "none" | "recipient" }`.
enum NotifyParser {
    static func parse(_ r: inout ObjectReader) -> NotifySettings {
        guard var n = r.object("notify") else { return NotifySettings() }
        defer { n.rejectUnknownKeys(); r.absorb(n) }
        guard let text = n.string("group") else { return NotifySettings() }
        guard let group = NotifySettings.Group(rawValue: text) else {
            let hint = Suggestion.closest(text, among: NotifySettings.Group.allCases.map(\.rawValue)).map { " (did you mean \"\($0)\"?)" } ?? ""
            n.problem("group", "unknown grouping \"\(text)\"\(hint); write \"none\" (one message per event) or \"recipient\" (one digest per address and run)")
            return NotifySettings()
        }
        return NotifySettings(group: group)
    }

    /// `sms.max_segments`: how many concatenated segments an SMS digest may take.
    static func maxSegments(_ s: inout ObjectReader) -> Int {
        guard let n = s.integer("max_segments") else { return SMSSegments.defaultMaxSegments }
        guard (1...SMSSegments.largestMaxSegments).contains(n) else {
            s.problem("max_segments", "\(n) is out of range; write a whole number from 1 to \(SMSSegments.largestMaxSegments) (gateways such as Twilio refuse longer messages)")
            return SMSSegments.defaultMaxSegments
        }
        return n
    }
}
