/// The lines a run prints on stderr about deliveries that did not go through:
/// what cron mails to the operator, so `--quiet` must never hide them.
public enum DeliveryProblems {
    public static func lines(_ notifications: [Outbox.Outcome], shown: ShownTime = .utc) -> [String] {
        notifications.compactMap { n in
            let what = "\(n.channel.rawValue) \(n.destination): \(n.about)"
            let error = n.error.map { ": \($0)" } ?? ""
            let retry = n.retryAt.map { "; next attempt at \(shown.timestamp($0))" } ?? ""
            switch n.result {
            case .sent: return nil
            case .failed: return "delivery failed (attempt \(n.attempts)\(retry)) \(what)\(error)"
            case .waiting: return "delivery pending (\(n.attempts) failed attempt\(n.attempts == 1 ? "" : "s")\(retry)) \(what)\(error)"
            case .dead: return "delivery dead (gave up after \(n.attempts) attempt\(n.attempts == 1 ? "" : "s")) \(what)\(error)"
            }
        }
    }
}

extension Outbox.Outcome {
    /// Where the item goes, as the end of "sent email …".
    public var destination: String {
        switch channel {
        case .email, .sms: return "to " + recipients.joined(separator: ", ")
        case .webhook: return "to the penalty webhook"
        case .penaltyLog: return "to the penalty log " + (recipients.first ?? "")
        }
    }

    /// What the item says: the subject, or for penalty actions the action and the company.
    public var about: String {
        subject ?? ([kind] + [company, alert.map { "(\($0))" }].compactMap { $0 }).joined(separator: " ")
    }
}
