import Foundation

/// Tests/Support/http_server.py (http.server, threaded) on a free loopback port.
/// Paths: /ok -> 201 JSON, /fail -> 500 text, /slow?seconds=N -> sleeps, /big -> 200 KiB,
/// /scripted/429,202?retry_after=N -> the statuses in turn, with Retry-After (see the script).
final class LocalHTTPServer {
    /// One request as the server recorded it.
    struct Received: Decodable {
        let method: String
        let path: String
        let headers: [[String]]
        let bodyB64: String
        /// The client's address and port: one per connection.
        let peer: String

        var body: [UInt8] { Data(base64Encoded: bodyB64).map { [UInt8]($0) } ?? [] }

        /// The body parsed as JSON (an object, a list…), nil when it is not JSON.
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(body)) }

        /// The value of the first header with this name (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }?.last
        }

        enum CodingKeys: String, CodingKey {
            case method, path, headers, bodyB64 = "body_b64", peer
        }
    }

    private let process: LocalServerProcess
    private let scheme: String
    var port: Int { process.port }

    /// `lifetime`: seconds before the server exits on its own (it also exits when the tests do).
    /// With `certificate` it speaks HTTPS (a gateway behind a private CA).
    init(lifetime: Int = 120, certificate: TestCertificate? = nil) throws {
        var arguments = ["--lifetime", String(lifetime)]
        if let certificate { arguments += ["--cert", certificate.certificatePath, "--key", certificate.keyPath] }
        scheme = certificate == nil ? "http" : "https"
        process = try LocalServerProcess(script: "http_server.py", arguments: arguments)
    }

    func url(_ path: String) -> String { "\(scheme)://localhost:\(port)\(path)".replacingOccurrences(of: "http://localhost", with: "http://127.0.0.1") }

    func stop() { process.stop() }

    func received() throws -> [Received] {
        try process.records(as: Received.self)
    }

    /// The requests recorded since the last call with the same `seen` set.
    func newlyReceived(_ seen: inout Set<String>) throws -> [Received] {
        try process.newRecords(as: Received.self, seen: &seen)
    }
}
