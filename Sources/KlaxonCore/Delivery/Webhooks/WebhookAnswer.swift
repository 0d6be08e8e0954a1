import Foundation
import KlaxonSystem

/// How an alert webhook's answer is judged (behaviour.md "Alert webhooks"): 2xx delivered; 429 and 5xx
/// retried, not before the answer's `Retry-After`; any other 4xx dead at once, since the
/// same request would be refused again; anything else retried with the usual backoff.
enum WebhookAnswer {
    static func judge(_ response: HTTPResponse, request: HTTPRequest, what: String) throws(SendFailure) {
        let status = response.status
        guard !(200..<300).contains(status) else { return }
        // The receiver's own first line is what tells an operator what to fix; it may quote a credential.
        let answer = Redaction.apply(request.secrets, to: String(decoding: response.body, as: UTF8.self))
        let firstLine = answer.split(whereSeparator: \.isNewline).first.map { String($0.prefix(300)).trimmingCharacters(in: .whitespaces) } ?? ""
        let message = "\(what) answered HTTP \(status)\(firstLine.isEmpty ? "" : ": \(PrintableText.make(firstLine))")"
        if status == 429 || (500..<600).contains(status) {
            throw SendFailure(message, permanent: false, retryAfter: response.retryAfter)
        }
        throw SendFailure(message, permanent: (400..<500).contains(status), retryAfter: nil)
    }
}
