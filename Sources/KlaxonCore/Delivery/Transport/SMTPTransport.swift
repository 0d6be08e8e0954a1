import CCurl
import Foundation
import KlaxonSystem

/// Sends mail over SMTP with libcurl: one transaction per call, over a
/// connection of its own or, through `SMTPConnection`, the run's kept one.
public struct SMTPTransport: MailTransport {
    public enum StartTLS: String, Sendable {
        /// smtp:// must upgrade with STARTTLS or the send fails (CURLUSESSL_ALL). The default.
        case required
        /// STARTTLS when the server offers it, plain text when it does not (CURLUSESSL_TRY):
        /// what `starttls: "off"` means once a login is configured.
        case whenOffered
        /// Plain-text SMTP. Only for a trusted local relay.
        case off
    }

    public struct Settings: Sendable, Equatable {
        /// `smtp://host:port` (STARTTLS per `starttls`) or `smtps://host:port` (implicit TLS).
        /// Credentials go in `username`/`password`, never in the URL.
        public var url: String
        public var starttls: StartTLS
        public var username: String?
        public var password: String?
        public var connectTimeout: Duration
        public var totalTimeout: Duration
        /// A PEM file of CA certificates to trust instead of the system store (private CA, tests).
        public var caFile: String?

        public init(
            url: String,
            starttls: StartTLS = .required,
            username: String? = nil,
            password: String? = nil,
            connectTimeout: Duration = .seconds(10),
            totalTimeout: Duration = .seconds(60),
            caFile: String? = nil
        ) {
            self.url = url
            self.starttls = starttls
            self.username = username
            self.password = password
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.caFile = caFile
        }
    }

    public let settings: Settings

    public init(_ settings: Settings) {
        self.settings = settings
    }

    public func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String]) throws(DeliveryError) {
        try send(message, from: envelopeFrom, to: recipients, on: CurlEasy())
    }

    /// One transaction on `easy`, whose options are set afresh and whose open connection is reused.
    func send(_ message: [UInt8], from envelopeFrom: String, to recipients: [String], on easy: CurlEasy) throws(DeliveryError) {
        let endpoint = try checkedEndpoint()
        try Self.checkAddress(envelopeFrom, role: "envelope sender")
        guard !recipients.isEmpty else {
            throw DeliveryError(kind: .invalidRequest, message: "Refused to send e-mail via \(endpoint): no recipients were given")
        }
        for recipient in recipients {
            try Self.checkAddress(recipient, role: "recipient")
        }
        try Self.checkLineEndings(message, endpoint: endpoint)

        try easy.reset()
        try easy.set(CURLOPT_URL, settings.url)
        // Only mail protocols: a typo such as file:// or http:// must not do something else.
        try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        let tlsLevel = switch settings.starttls {
        case .required: CURLUSESSL_ALL
        case .whenOffered: CURLUSESSL_TRY
        case .off: CURLUSESSL_NONE
        }
        try easy.set(CURLOPT_USE_SSL, Int(tlsLevel.rawValue))
        if let caFile = settings.caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
        }
        if let username = settings.username {
            try easy.set(CURLOPT_USERNAME, username)
            try easy.set(CURLOPT_PASSWORD, settings.password ?? "")
        }
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeout)
        try easy.set(CURLOPT_TIMEOUT_MS, settings.totalTimeout)
        // libcurl waits for the reply to the end of DATA under its own response timeout
        // (120 s by default), whatever CURLOPT_TIMEOUT says: a server that takes the message
        // and never answers held a run that long. Whole seconds, at least one.
        let (seconds, attoseconds) = settings.totalTimeout.components
        try easy.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, Int(clamping: max(1, seconds + (attoseconds > 0 ? 1 : 0))))
        // Addresses were checked above, so the brackets cannot be closed early.
        try easy.set(CURLOPT_MAIL_FROM, "<\(envelopeFrom)>")
        try easy.set(CURLOPT_MAIL_RCPT, list: recipients.map { "<\($0)>" })
        // libcurl dot-stuffs lines starting with "." and appends the final CRLF.CRLF itself.
        try easy.setUploadBody(message)
        try easy.recordServerReplies()

        do {
            try easy.perform()
        } catch {
            throw describe(error, endpoint: endpoint)
        }
    }

    // MARK: Checks before connecting

    private func checkedEndpoint() throws(DeliveryError) -> String {
        let display = RedactedURL.display(settings.url)
        guard let parts = URLComponents(string: settings.url),
              let scheme = parts.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
              let host = parts.host, !host.isEmpty
        else {
            throw DeliveryError(
                kind: .invalidRequest,
                message: "The SMTP url \(Printable.quoted(display)) is not usable: it must look like smtp://host:port or smtps://host:port",
                redacting: secrets
            )
        }
        guard parts.user == nil, parts.password == nil else {
            throw DeliveryError(
                kind: .invalidRequest,
                message: "The SMTP url \(Printable.quoted(display)) contains credentials; put them in the username and password settings instead",
                redacting: secrets
            )
        }
        return display
    }

    /// Refuses anything that could end or extend an SMTP command line (CR, LF, other
    /// controls), add ESMTP parameters (spaces), or close the angle brackets early.
    static func checkAddress(_ address: String, role: String) throws(DeliveryError) {
        let refused = address.unicodeScalars.first { scalar in
            scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "<" || scalar == ">"
        }
        guard address.isEmpty || refused != nil else { return }
        let reason = address.isEmpty
            ? "is empty"
            : "contains a control character, space or angle bracket, which could inject SMTP commands"
        throw DeliveryError(kind: .invalidRequest, message: "Refused to send e-mail: the \(role) \(Printable.quoted(address)) \(reason)")
    }

    /// The message must use CRLF line endings. A bare LF or CR could be read by some
    /// servers as a line end, which lets "\n.\n" end the DATA early (SMTP smuggling).
    static func checkLineEndings(_ message: [UInt8], endpoint: String) throws(DeliveryError) {
        guard !message.isEmpty else {
            throw DeliveryError(kind: .invalidRequest, message: "Refused to send e-mail via \(endpoint): the message is empty")
        }
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        for index in message.indices {
            let byte = message[index]
            let bareCR = byte == cr && (index + 1 == message.count || message[index + 1] != lf)
            let bareLF = byte == lf && (index == 0 || message[index - 1] != cr)
            if bareCR || bareLF {
                throw DeliveryError(
                    kind: .invalidRequest,
                    message: "Refused to send e-mail via \(endpoint): the message has a bare \(bareCR ? "CR" : "LF") at byte \(index); lines must end in CRLF"
                )
            }
        }
    }

    // MARK: Error text

    /// The password in every form it may take on the wire (plain, AUTH LOGIN, AUTH PLAIN).
    private var secrets: [String] {
        guard let password = settings.password, !password.isEmpty else { return [] }
        let user = settings.username ?? ""
        return [password, Printable.base64(password), Printable.base64("\0\(user)\0\(password)")]
    }

    private func describe(_ failure: CurlFailure, endpoint: String) -> DeliveryError {
        var kind = failure.kind
        // curl reports a 4xx/5xx reply to MAIL/RCPT/DATA as a send error or an odd reply.
        if let code = failure.responseCode, code >= 400, kind == .connectionLost {
            kind = .rejected
        }
        let reason: String
        switch kind {
        case .connectionFailed:
            reason = "could not connect to the SMTP server; check the host, the port, and that the server is up and reachable"
        case .timedOut:
            reason = "the SMTP server did not answer in time (connect timeout \(settings.connectTimeout), total timeout \(settings.totalTimeout))"
        case .tlsUnavailable:
            reason = "STARTTLS is required but the server did not offer it; use smtps:// if the server speaks implicit TLS, or switch STARTTLS off only for a trusted local relay"
        case .tlsFailed:
            let trust = settings.caFile.map { "the CA file \($0)" } ?? "the system CA store (set a CA file for a private CA)"
            reason = "the TLS handshake or certificate check failed; check the server certificate and host name against \(trust)"
        case .authenticationFailed:
            reason = "the server refused the login for user \(Printable.quoted(settings.username ?? "")); check the SMTP username and password"
        case .rejected:
            reason = "the server rejected the sender, a recipient or the message"
        case .connectionLost:
            reason = "the connection broke or the server answered in a way libcurl did not expect"
        case .invalidRequest:
            reason = "libcurl refused the request; check the SMTP url"
        case .internalFailure:
            reason = "libcurl failed internally"
        }
        let reply = failure.lastServerReply.map { "; the server's last reply was \(Printable.quoted($0))" } ?? ""
        return DeliveryError(
            kind: kind,
            message: "Could not send e-mail via \(endpoint): \(reason)\(reply)",
            responseCode: failure.responseCode,
            curlCode: failure.curlCode,
            curlDetail: failure.detail,
            redacting: secrets
        )
    }
}

// Settings carry the SMTP password; printing or dumping them must not show it.
extension SMTPTransport.Settings: CustomStringConvertible, CustomReflectable {
    public var description: String {
        let login = username.map { ", user \(Printable.quoted($0)), password \(password == nil ? "unset" : "set")" } ?? ""
        let ca = caFile.map { ", CA file \($0)" } ?? ""
        return "SMTP \(RedactedURL.display(url)), STARTTLS \(starttls.rawValue)\(login), timeouts \(connectTimeout)/\(totalTimeout)\(ca)"
    }

    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
