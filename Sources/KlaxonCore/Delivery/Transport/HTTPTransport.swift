import CCurl
import Foundation
import KlaxonSystem

/// Performs HTTP(S) requests with libcurl: one connection per call, or the kept
/// connections of `connections` when a run's deliveries share them.
/// Any reply with a status is returned; only failures to get one are thrown.
public struct CurlHTTPTransport: HTTPTransport {
    public struct Timeouts: Sendable, Equatable {
        public var connect: Duration
        public var total: Duration

        public init(connect: Duration = .seconds(10), total: Duration = .seconds(30)) {
            self.connect = connect
            self.total = total
        }
    }

    public var timeouts: Timeouts
    /// Response bodies are cut here; gateways answer with short JSON, and a runaway body must not fill memory.
    public var maxResponseBytes: Int
    /// A PEM file of CA certificates to trust instead of the system store.
    public var caFile: String?
    /// A run's kept connections; nil: a new connection for each request.
    var connections: HTTPConnections?

    public init(timeouts: Timeouts = Timeouts(), maxResponseBytes: Int = 64 * 1024, caFile: String? = nil) {
        self.timeouts = timeouts
        self.maxResponseBytes = maxResponseBytes
        self.caFile = caFile
    }

    init(timeouts: Timeouts, caFile: String?, connections: HTTPConnections?) {
        self.init(timeouts: timeouts, caFile: caFile)
        self.connections = connections
    }

    public func send(_ request: HTTPRequest) throws(DeliveryError) -> HTTPResponse {
        if let connections {
            return try connections.perform { (easy) throws(DeliveryError) in try send(request, on: easy) }
        }
        return try send(request, on: CurlEasy())
    }

    /// One request on `easy`, whose options are reset first; its open connections stay for the next request.
    func send(_ request: HTTPRequest, on easy: CurlEasy) throws(DeliveryError) -> HTTPResponse {
        let secrets = request.secrets
        let endpoint = "\(request.method) \(RedactedURL.display(request.url))"
        try Self.check(request, endpoint: endpoint, secrets: secrets)

        try easy.reset()
        try easy.set(CURLOPT_URL, request.url)
        // Only HTTP: a configured file:// or smtp:// URL must not do something else.
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, timeouts.connect)
        try easy.set(CURLOPT_TIMEOUT_MS, timeouts.total)
        if let caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
        }
        if let auth = request.basicAuth {
            // Basic is libcurl's default scheme for CURLOPT_USERNAME/PASSWORD.
            try easy.set(CURLOPT_USERNAME, auth.user)
            try easy.set(CURLOPT_PASSWORD, auth.password)
        }
        try setMethodAndBody(of: request, on: easy)
        try easy.set(CURLOPT_HTTPHEADER, list: Self.headerLines(for: request))
        try easy.collectResponseBody(limit: max(0, maxResponseBytes))

        do {
            try easy.perform()
        } catch {
            throw describe(error, endpoint: endpoint, secrets: secrets)
        }
        guard let status = easy.responseCode else {
            throw DeliveryError(kind: .connectionLost, message: "HTTP \(endpoint) ended without a status line", redacting: secrets)
        }
        var response = HTTPResponse(status: status, body: easy.responseBody, bodyTruncated: easy.responseBodyTruncated)
        response.retryAfter = easy.retryAfter
        return response
    }

    private func setMethodAndBody(of request: HTTPRequest, on easy: CurlEasy) throws(DeliveryError) {
        switch request.method {
        case "GET" where request.body.isEmpty:
            try easy.set(CURLOPT_HTTPGET, 1)
        case "HEAD" where request.body.isEmpty:
            try easy.set(CURLOPT_NOBODY, 1)
        default:
            // POSTFIELDS gives a fixed Content-Length (0 for an empty PUT); the
            // custom request then only renames the method on the request line.
            try easy.setPostBody(request.body)
            if request.method != "POST" {
                try easy.set(CURLOPT_CUSTOMREQUEST, request.method)
            }
        }
    }

    // MARK: Checks and header lines

    /// Method, URL and headers go into the request head verbatim, so anything that
    /// could end a line (CR, LF) or break a token is refused before connecting.
    private static func check(_ request: HTTPRequest, endpoint: String, secrets: [String]) throws(DeliveryError) {
        func refuse(_ what: String) -> DeliveryError {
            DeliveryError(kind: .invalidRequest, message: "Refused HTTP request \(endpoint): \(what)", redacting: secrets)
        }
        guard !request.method.isEmpty, request.method.unicodeScalars.allSatisfy(isTokenCharacter) else {
            throw refuse("the method \(Printable.quoted(request.method)) is not a valid HTTP method token")
        }
        let scheme = request.url.prefix(while: { $0 != ":" }).lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw refuse("only http:// and https:// URLs are allowed")
        }
        guard !request.url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw refuse("the URL contains a space or control character")
        }
        if let auth = request.basicAuth, auth.user.contains(":") {
            throw refuse("a Basic auth user name cannot contain ':'")
        }
        for header in request.headers {
            guard !header.name.isEmpty, header.name.unicodeScalars.allSatisfy(isTokenCharacter) else {
                throw refuse("the header name \(Printable.quoted(header.name)) is not a valid token")
            }
            guard !header.value.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) else {
                throw refuse("the value of header \(header.name) contains CR, LF or another control character")
            }
        }
    }

    /// RFC 9110 token characters.
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }

    private static func headerLines(for request: HTTPRequest) -> [String] {
        // libcurl reads "Name:" as "remove this header"; "Name;" sends it empty.
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        // libcurl may add "Expect: 100-continue" and wait for the server; gateways
        // rarely answer it, so turn it off unless the caller asked for it.
        if !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            lines.append("Expect:")
        }
        return lines
    }

    // MARK: Error text

    private func describe(_ failure: CurlFailure, endpoint: String, secrets: [String]) -> DeliveryError {
        let reason: String
        switch failure.kind {
        case .connectionFailed:
            reason = "could not connect; check the host, the port, and that the service is up and reachable"
        case .timedOut:
            reason = "no complete answer in time (connect timeout \(timeouts.connect), total timeout \(timeouts.total))"
        case .tlsUnavailable, .tlsFailed:
            let trust = caFile.map { "the CA file \($0)" } ?? "the system CA store"
            reason = "the TLS handshake or certificate check failed; check the server certificate and host name against \(trust)"
        case .authenticationFailed:
            reason = "authentication failed"
        case .rejected, .connectionLost:
            reason = "the connection broke or the server answered in a way libcurl did not expect"
        case .invalidRequest:
            reason = "libcurl refused the request; check the URL"
        case .internalFailure:
            reason = "libcurl failed internally"
        }
        return DeliveryError(
            kind: failure.kind,
            message: "HTTP \(endpoint) failed: \(reason)",
            responseCode: failure.responseCode,
            curlCode: failure.curlCode,
            curlDetail: failure.detail,
            redacting: secrets
        )
    }
}
