import Foundation
import KlaxonSystem

/// A failed attempt, in words an operator can act on (never holding a secret).
public struct SendFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// The receiver refused the message itself (a 4xx other than 429): sending it again cannot help.
    public var permanent = false
    /// Seconds the receiver asked us to wait before the next attempt (`Retry-After`).
    public var retryAfter: Int64? = nil
    public init(_ description: String) { self.description = description }
    public init(_ description: String, permanent: Bool, retryAfter: Int64?) {
        self.description = description
        self.permanent = permanent
        self.retryAfter = retryAfter
    }
}

/// Where outbox items go: the real transports, or files (`--deliver-to`).
public protocol DeliverySink: Sendable {
    func deliver(_ item: OutboxItem) throws(SendFailure)
}

/// `--deliver-to DIR`: each e-mail as `DIR/<id>.eml` (with the envelope in
/// `X-Klaxon-Envelope-To`), each SMS as `DIR/<id>.sms.json`, each penalty
/// webhook call as `DIR/<id>.webhook.json`.
public struct FileSink: DeliverySink {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func deliver(_ item: OutboxItem) throws(SendFailure) {
        let (name, content): (String, String)
        switch item.channel {
        case .email:
            (name, content) = ("\(item.id).eml", Self.envelopeHeader(item.recipients) + "\r\n" + item.payload)
        case .sms: (name, content) = ("\(item.id).sms.json", item.payload + "\n")
        case .webhook: (name, content) = ("\(item.id).webhook.json", item.payload + "\n")
        case .penaltyLog: return
        }
        do {
            // `AtomicFile.write` creates the folder when it is missing.
            try AtomicFile.write(content, to: (directory as NSString).appendingPathComponent(name))
        } catch {
            throw SendFailure(error.description)
        }
    }

    /// `X-Klaxon-Envelope-To`, folded like the message's own `To` (RFC 5322 §2.2.3):
    /// a long recipient list must not make one line past 998 characters.
    static func envelopeHeader(_ recipients: [String]) -> String {
        let addresses = recipients.map(HeaderSafety.strippingLineBreaks)
        let pieces = addresses.enumerated().map { $0.offset < addresses.count - 1 ? $0.element + "," : $0.element }
        return HeaderFolding.fold(name: "X-Klaxon-Envelope-To", pieces: pieces, limit: HeaderFolding.recommendedLineLength)
    }
}
