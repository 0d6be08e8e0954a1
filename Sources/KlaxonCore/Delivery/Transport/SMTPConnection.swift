import KlaxonSystem
/// A run's messages to one SMTP server over one connection: libcurl keeps the
/// connection open in the handle between transactions. A connection, greeting,
/// EHLO (STARTTLS, AUTH) and QUIT for each message was what held sending to a
/// few hundred messages a second.
///
/// A failure never poisons the next message: after any failure the handle, and
/// its connection, are dropped and the next message opens a new one. A message
/// that fails because a kept connection broke under it (the server closed an
/// idle connection as the message began, answering nothing) is tried once more at
/// once, on a new connection. A connection that broke after any reply of the
/// transaction is a failed delivery, retried on the backoff like any other.
final class SMTPConnection {
    let transport: SMTPTransport
    private var easy: CurlEasy?

    init(_ transport: SMTPTransport) { self.transport = transport }

    func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) throws(DeliveryError) {
        let kept = easy
        do {
            try attempt(message, from: envelopeFrom, to: recipients)
        } catch {
            // Only a connection that answered nothing at all was dead before the message: one that
            // answered (even the go-ahead for the body) may have taken it, so that failure stands.
            guard let kept, kept.reusedConnection, error.kind == .connectionLost, error.responseCode == nil else { throw error }
            try attempt(message, from: envelopeFrom, to: recipients)
        }
    }

    private func attempt(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) throws(DeliveryError) {
        let handle: CurlEasy
        if let easy { handle = easy } else { handle = try CurlEasy() }
        easy = nil
        try transport.send(message, from: envelopeFrom, to: recipients, on: handle)
        easy = handle
    }
}
