import Foundation

/// Why a message could not be handed over, in words an operator can act on.
///
/// The text includes curl's own error text and the SMTP/HTTP reply code where known.
/// It never includes a password, a token or a URL's query string: every secret the
/// transport was given is replaced by `[redacted]` before the text is stored.
public struct DeliveryError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The request itself is unusable (bad address, header, URL, method); retrying will not help.
        case invalidRequest
        /// No connection: the host did not resolve, or refused or did not answer the connection.
        case connectionFailed
        /// The connect or total timeout ran out.
        case timedOut
        /// STARTTLS was required but the server did not offer it.
        case tlsUnavailable
        /// TLS handshake or certificate verification failed.
        case tlsFailed
        /// The server refused the login.
        case authenticationFailed
        /// The server answered with an error reply (SMTP 4xx/5xx) to the envelope or the message.
        case rejected
        /// The connection broke, or the server said something the client could not understand.
        case connectionLost
        /// libcurl itself failed (out of memory, missing feature); see the details.
        case internalFailure
    }

    public let kind: Kind
    /// The operator-facing sentence, already redacted.
    public let message: String
    /// The last SMTP or HTTP reply code received, when there was one.
    public let responseCode: Int?
    /// The libcurl error code (CURLcode), when libcurl reported the failure.
    public let curlCode: Int?
    /// libcurl's error buffer text (or curl_easy_strerror), already redacted.
    public let curlDetail: String?

    public init(
        kind: Kind,
        message: String,
        responseCode: Int? = nil,
        curlCode: Int? = nil,
        curlDetail: String? = nil,
        redacting secrets: [String] = []
    ) {
        self.kind = kind
        self.message = Redaction.apply(secrets, to: message)
        self.responseCode = responseCode
        self.curlCode = curlCode
        self.curlDetail = curlDetail.map { Redaction.apply(secrets, to: $0) }
    }

    public var description: String {
        var details: [String] = []
        if let responseCode { details.append("last reply code \(responseCode)") }
        if let curlCode {
            let text = curlDetail.map { ": \($0)" } ?? ""
            details.append("curl error \(curlCode)\(text)")
        }
        return details.isEmpty ? message : "\(message) [\(details.joined(separator: "; "))]"
    }
}
