import Foundation

/// Tests/Support/smtp_server.py (aiosmtpd) on a free loopback port.
final class LocalSMTPServer {
    enum TLS { case none, starttls, implicit }

    struct Options {
        var auth: (user: String, password: String)?
        var tls: TLS = .none
        /// Accept TCP connections and never answer.
        var silent = false
        /// Take the whole message, then answer this reply (e.g. "451 4.3.0 Try again later") instead of 250.
        var refuseData: String?
        /// Take the whole message and never answer.
        var stallData = false
        /// Close the connection after the first bytes of the message.
        var closeMidData = false
        /// Close each connection after answering this many messages (nil: keep it open).
        var closeAfter: Int?
        /// The server takes this message (1-based, over its life) whole and drops the connection without replying.
        var dropReplyAt: Int? = nil
        /// Answer 550 to RCPT TO for these addresses.
        var rejectedRecipients: [String] = []
        /// A fixed port, to restart a server where a job's URL points; 0 = any free port.
        var port = 0
        /// Seconds before the server exits on its own (it also exits when the tests do).
        var lifetime = 120
    }

    /// One accepted message as the server recorded it.
    struct Received: Decodable {
        let mailFrom: String
        let rcptTos: [String]
        let dataB64: String
        let tls: Bool
        let authenticated: Bool
        let login: String?
        /// The client's port: messages with the same one came over one connection.
        let peer: Int?

        var data: [UInt8] { Data(base64Encoded: dataB64).map { [UInt8]($0) } ?? [] }

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from", rcptTos = "rcpt_tos", dataB64 = "data_b64"
            case tls, authenticated, login, peer
        }
    }

    private let process: LocalServerProcess
    var port: Int { process.port }
    var plainURL: String { "smtp://127.0.0.1:\(port)" }
    var implicitTLSURL: String { "smtps://127.0.0.1:\(port)" }

    init(_ options: Options = Options()) throws {
        var arguments: [String] = []
        if options.silent || options.stallData || options.closeMidData {
            arguments.append(options.silent ? "--silent" : options.stallData ? "--stall-data" : "--close-mid-data")
        } else if let problem = TestPython.aiosmtpdProblem {
            throw TestSupportError(problem)
        }
        if let auth = options.auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if options.tls != .none {
            let certificate = try TestCertificate.shared()
            arguments += ["--cert", certificate.certificatePath, "--key", certificate.keyPath]
            arguments.append(options.tls == .starttls ? "--starttls" : "--implicit-tls")
        }
        if options.port != 0 { arguments += ["--port", String(options.port)] }
        for recipient in options.rejectedRecipients { arguments += ["--reject-rcpt", recipient] }
        if let reply = options.refuseData { arguments += ["--refuse-data", reply] }
        if let count = options.closeAfter { arguments += ["--close-after", String(count)] }
        if let n = options.dropReplyAt { arguments += ["--drop-reply-at", String(n)] }
        arguments += ["--lifetime", String(options.lifetime)]
        process = try LocalServerProcess(script: "smtp_server.py", arguments: arguments)
    }

    func stop() { process.stop() }

    /// The connections the server has accepted so far (every mode but `--stall-data` and `--close-mid-data`).
    var connections: Int {
        let log = process.folder.appendingPathComponent("connections").path
        return (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
    }

    /// Waits until a silent server holds `count` connections (it logs each as it
    /// accepts it), so a test knows a run is inside its send without sleeping.
    func waitForConnections(_ count: Int = 1, timeout: TimeInterval = 30) -> Bool {
        let log = process.folder.appendingPathComponent("connections").path
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if lines >= count { return true }
            usleep(10_000)
        }
        return false
    }

    func received() throws -> [Received] {
        try process.records(as: Received.self)
    }

    /// The messages recorded since the last call with the same `seen` set.
    func newlyReceived(_ seen: inout Set<String>) throws -> [Received] {
        try process.newRecords(as: Received.self, seen: &seen)
    }
}
