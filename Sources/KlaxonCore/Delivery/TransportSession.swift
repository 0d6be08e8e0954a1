import KlaxonSystem
/// A run's deliveries through `TransportSink`: e-mail to the job's SMTP server
/// goes over one kept connection (`SMTPConnection`), SMS and webhooks over kept
/// HTTP connections (`HTTPConnections`); everything else as `TransportSink.deliver` sends it. Each send is done when it returns, so
/// `settle` has nothing to add.
final class TransportSession: DeliverySession {
    let sink: TransportSink
    private var smtp: SMTPConnection?

    init(sink: TransportSink) {
        var kept = sink
        kept.connections = HTTPConnections()
        self.sink = kept
    }

    var settleEvery: Int? { Outbox.journalBatch }

    func settle() -> [String: SendFailure] { [:] }

    func deliver(_ item: OutboxItem) throws(SendFailure) {
        guard item.channel == .email, sink.mail == nil else { return try sink.deliver(item) }
        try sink.sendEmail(item) { (message, from, to, settings) throws(DeliveryError) in
            try connection(settings).send(message, from: from, to: to)
        }
    }

    /// The kept connection, or a new one when the settings differ (they come from the job and its environment).
    private func connection(_ settings: SMTPTransport.Settings) -> SMTPConnection {
        if let smtp, smtp.transport.settings == settings { return smtp }
        let fresh = SMTPConnection(SMTPTransport(settings))
        smtp = fresh
        return fresh
    }
}

extension TransportSink {
    public func session() -> any DeliverySession { TransportSession(sink: self) }
}
