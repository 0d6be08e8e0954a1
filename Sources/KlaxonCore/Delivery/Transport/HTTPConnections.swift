import KlaxonSystem
/// A run's HTTP requests — SMS, alert webhooks, penalty webhooks — over kept
/// connections: libcurl keeps up to five open in one handle, one per host, and
/// `curl_easy_reset` between requests forgets the options but not them. A TCP
/// connection and a TLS handshake for each SMS is what a gateway otherwise costs.
///
/// A failure never poisons the next request: after any failure the handle, and
/// its connections, are dropped and the next request opens new ones. A kept
/// connection that turns out dead before any byte of an answer is retried once on
/// a new connection by libcurl itself (its "Connection died, retrying a fresh
/// connect"), the HTTP counterpart of `SMTPConnection`'s rule; a connection that
/// broke after any byte of the answer is a failed delivery, retried on the backoff.
final class HTTPConnections: @unchecked Sendable {
    // @unchecked: a run's deliveries are made one at a time, on one thread (`DeliverySession`).
    private var easy: CurlEasy?

    init() {}

    func perform(_ request: (CurlEasy) throws(DeliveryError) -> HTTPResponse) throws(DeliveryError) -> HTTPResponse {
        let handle: CurlEasy
        if let easy { handle = easy } else { handle = try CurlEasy() }
        easy = nil
        let response = try request(handle)
        easy = handle
        return response
    }
}
