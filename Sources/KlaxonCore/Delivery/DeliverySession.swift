/// One run's use of a `DeliverySink`, from the first item to the last: what
/// a sink keeps between items (an open SMTP connection, files waiting for one
/// sync) lives here and ends with the run's `Outbox.deliver`.
///
/// `deliver` hands an item over; `settle` makes every item handed over since
/// the last `settle` durable, and the outbox journals an item as delivered
/// only after the `settle` that covers it. Items `settle` could not make
/// durable come back by id and are treated as failed sends (retried on the
/// backoff), so a journal line never claims more than the sink holds.
public protocol DeliverySession: AnyObject {
    func deliver(_ item: OutboxItem) throws(SendFailure)
    func settle() -> [String: SendFailure]
    /// The most items that may wait for one `settle` (nil: no limit but time):
    /// each `settle` is a batch of the journal, whose size bounds what a kill sends twice.
    var settleEvery: Int? { get }
}

extension DeliverySink {
    /// A sink whose every `deliver` is durable when it returns needs no session of its own.
    public func session() -> any DeliverySession { ImmediateSession(sink: self) }
}

/// Each item is durable once delivered: `settle` has nothing to do.
final class ImmediateSession: DeliverySession {
    let sink: any DeliverySink
    init(sink: any DeliverySink) { self.sink = sink }
    func deliver(_ item: OutboxItem) throws(SendFailure) { try sink.deliver(item) }
    func settle() -> [String: SendFailure] { [:] }
    var settleEvery: Int? { Outbox.journalBatch }
}
