extension TransportSink {
    /// An item of a job webhook (`to: ["webhook:NAME"]`), as opposed to a penalty webhook call.
    static func webhookName(of item: OutboxItem) -> String? {
        guard item.channel == .webhook, let first = item.recipients.first, first.hasPrefix(WebhookParser.recipientPrefix) else { return nil }
        return String(first.dropFirst(WebhookParser.recipientPrefix.count))
    }

    func callAlertWebhook(_ item: OutboxItem, name: String) throws(SendFailure) {
        guard let hook = job.webhooks[name] else {
            throw SendFailure("the job no longer has webhook \"\(name)\"", permanent: true, retryAfter: nil)
        }
        let request = try WebhookRequest.make(hook, payload: item.payload, secrets: secrets)
        let transport = http ?? CurlHTTPTransport(timeouts: .init(connect: .seconds(10), total: .seconds(hook.timeout.seconds)),
                                                    caFile: hook.caFile, connections: connections)
        let response: HTTPResponse
        do { response = try transport.send(request) } catch { throw SendFailure(error.description) }
        try WebhookAnswer.judge(response, request: request, what: "webhook \(name) (\(hook.preset.rawValue))")
    }
}
