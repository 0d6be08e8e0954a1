/// A receiver's `Retry-After` (behaviour.md "Alert webhooks"): the item is not tried again before that
/// time, in this run or a later one (it is kept as the item's `nextAttempt`).
extension Outbox {
    /// When the receiver allows the next attempt, or why the item is dead already:
    /// a wait that ends after `give_up_after` would only hold the item past the point
    /// where it is reported dead, so it is reported dead now, saying why.
    func waitAsked(by failure: SendFailure, for item: OutboxItem) -> (notBefore: Int64?, refusal: String?) {
        guard let seconds = failure.retryAfter, seconds > 0 else { return (nil, nil) }
        let notBefore = now + seconds
        let deadline = item.createdAt + settings.giveUpAfter.seconds
        guard notBefore <= deadline else {
            return (nil, "\(failure.description); it asked to be retried after \(ValueFormatter.timestamp(notBefore)), "
                + "past give_up_after (\(settings.giveUpAfter)) for this message")
        }
        return (notBefore, nil)
    }
}
