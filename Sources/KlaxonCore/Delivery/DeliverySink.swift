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
    /// What a run's outbox delivers through (`DeliverySession`); by default each `deliver` on its own.
    func session() -> any DeliverySession
}

/// `--deliver-to DIR`: each e-mail as `DIR/<id>.eml` (with the envelope in
/// `X-Klaxon-Envelope-To`), each SMS as `DIR/<id>.sms.json`, each penalty
/// webhook call as `DIR/<id>.webhook.json`. A run's outbox writes them all and
/// makes them durable with one sync (`FileBatch`); `deliver` alone writes one durably.
public struct FileSink: DeliverySink {
    public let directory: String
    /// The file system sync a `FileBatch` ends with (`syncfs`); tests make it fail.
    let sync: @Sendable (Int32) -> Int32

    public init(directory: String) {
        self.directory = directory
        sync = FileSystemSync.syncFileSystem
    }

    init(directory: String, sync: @escaping @Sendable (Int32) -> Int32) {
        self.directory = directory
        self.sync = sync
    }

    public func session() -> any DeliverySession { FileBatch(sink: self) }

    /// The file's name in the folder and its bytes; nil for what is not written to a file.
    func file(for item: OutboxItem) -> (name: String, content: String)? {
        switch item.channel {
        case .email: return ("\(item.id).eml", Self.envelopeHeader(item.recipients) + "\r\n" + item.payload)
        case .sms: return ("\(item.id).sms.json", item.payload + "\n")
        case .webhook: return ("\(item.id).webhook.json", item.payload + "\n")
        case .penaltyLog: return nil
        }
    }

    public func deliver(_ item: OutboxItem) throws(SendFailure) {
        guard let (name, content) = file(for: item) else { return }
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
