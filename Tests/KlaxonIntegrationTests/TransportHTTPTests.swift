import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// CurlHTTPTransport against a real threaded http.server on loopback (Tests/Support/http_server.py).
@Suite("HTTP transport", .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct TransportHTTPTests {
    let transport = CurlHTTPTransport(timeouts: .init(connect: .seconds(5), total: .seconds(15)))

    @Test func formPostWithBasicAuth() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let form = "To=%2B4915112345678&From=Klaxon&Body=trunk+sip-1+down"

        let response = try transport.send(HTTPRequest(
            method: "POST",
            url: server.url("/ok"),
            headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(form.utf8),
            basicAuth: .init(user: "AC123", password: "tok3n-Secret")
        ))

        #expect(response.status == 201)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"msg-1","status":"queued"}"#)
        #expect(!response.bodyTruncated)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].method == "POST")
        #expect(received[0].path == "/ok")
        #expect(received[0].header("Authorization") == "Basic " + Data("AC123:tok3n-Secret".utf8).base64EncodedString())
        #expect(received[0].header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(received[0].header("Expect") == nil)
        #expect(received[0].body == Array(form.utf8))
    }

    @Test func jsonBodyAndCustomHeaders() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let json = #"{"to":"+4915112345678","text":"trunk sip-1 down \u00e4","priority":1}"#

        let response = try transport.send(HTTPRequest(
            method: "PUT",
            url: server.url("/ok?channel=sms"),
            headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Request-Id", "alert-42")],
            body: Array(json.utf8)
        ))

        #expect(response.status == 201)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].method == "PUT")
        #expect(received[0].path == "/ok?channel=sms")
        #expect(received[0].header("Content-Type") == "application/json")
        #expect(received[0].header("X-Request-Id") == "alert-42")
        #expect(received[0].header("Authorization") == nil)
        #expect(received[0].body == Array(json.utf8))
    }

    @Test func getWithoutBody() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }

        let response = try transport.send(HTTPRequest(method: "GET", url: server.url("/ok?id=7")))

        #expect(response.status == 201)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].method == "GET")
        #expect(received[0].body.isEmpty)
    }

    @Test func serverErrorIsReturnedNotThrown() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }

        let response = try transport.send(HTTPRequest(method: "POST", url: server.url("/fail"), body: Array("x=1".utf8)))

        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self) == "gateway exploded: upstream SMSC unreachable")
    }

    @Test func largeBodiesAreCut() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let capped = CurlHTTPTransport(timeouts: .init(connect: .seconds(5), total: .seconds(15)), maxResponseBytes: 1000)

        let response = try capped.send(HTTPRequest(method: "GET", url: server.url("/big")))

        #expect(response.status == 200)
        #expect(response.body.count == 1000)
        #expect(response.bodyTruncated)
    }

    @Test func slowServerTimesOutWithoutLeakingSecrets() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let quick = CurlHTTPTransport(timeouts: .init(connect: .seconds(1), total: .seconds(1)))
        let token = "qwertyTOKEN987"
        let started = ContinuousClock.now

        let error = try #require(throws: DeliveryError.self) {
            try quick.send(HTTPRequest(
                method: "POST",
                url: server.url("/slow?seconds=10&api_key=\(token)"),
                headers: [HTTPHeader("X-Auth-Token", "hdr-Secret-77")],
                body: Array("x=1".utf8),
                basicAuth: .init(user: "AC123", password: "tok3n-Secret")
            ))
        }

        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(error.kind == .timedOut)
        #expect(error.description.contains("in time"))
        #expect(error.description.contains("127.0.0.1:\(server.port)/slow"))
        for secret in [token, "hdr-Secret-77", "tok3n-Secret", Data("AC123:tok3n-Secret".utf8).base64EncodedString()] {
            #expect(!error.description.contains(secret))
            #expect(!String(reflecting: error).contains(secret))
        }
    }

    @Test func concurrentSendsEachGetTheirOwnHandle() throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let transport = self.transport
        let url = server.url("/ok")
        let failures = LockedList()

        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                let response = try transport.send(HTTPRequest(method: "POST", url: url, body: Array("n=\(index)".utf8)))
                if response.status != 201 { failures.append("request \(index): status \(response.status)") }
            } catch {
                failures.append("request \(index): \(error)")
            }
        }

        #expect(failures.items.isEmpty)
        let bodies = Set(try server.received().map { String(decoding: $0.body, as: UTF8.self) })
        #expect(bodies == Set((0..<16).map { "n=\($0)" }))
    }

    @Test func connectionRefusedThrows() throws {
        let port = try unusedLoopbackPort()
        let started = ContinuousClock.now

        let error = try #require(throws: DeliveryError.self) {
            try transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/ok", body: Array("x=1".utf8)))
        }

        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(error.kind == .connectionFailed)
        #expect(error.description.contains("could not connect"))
    }

    @Test(arguments: [
        HTTPRequest(method: "POST", url: "http://127.0.0.1:1/ok", headers: [HTTPHeader("X-Note", "a\r\nX-Evil: 1")]),
        HTTPRequest(method: "POST", url: "http://127.0.0.1:1/ok", headers: [HTTPHeader("X Bad", "1")]),
        HTTPRequest(method: "PO ST", url: "http://127.0.0.1:1/ok"),
        HTTPRequest(method: "GET", url: "http://127.0.0.1:1/ok\r\nHost: evil"),
        HTTPRequest(method: "GET", url: "file:///etc/passwd"),
        HTTPRequest(method: "GET", url: "smtp://127.0.0.1:25"),
    ])
    func malformedRequestsAreRefusedBeforeConnecting(request: HTTPRequest) throws {
        let error = try #require(throws: DeliveryError.self) {
            try transport.send(request)
        }
        #expect(error.kind == .invalidRequest)
        #expect(!error.description.contains("\n"))
    }

    @Test func requestDescriptionHidesCredentials() {
        let request = HTTPRequest(
            method: "POST",
            url: "https://user:pw123456@sms.example.test/send?token=abcdef123456",
            basicAuth: .init(user: "AC123", password: "tok3n-Secret")
        )
        for text in [String(describing: request), String(reflecting: request)] {
            #expect(!text.contains("tok3n-Secret"))
            #expect(!text.contains("abcdef123456"))
            #expect(!text.contains("pw123456"))
        }
    }
}

/// Collects strings from concurrent closures (NSLock rather than Mutex, which needs macOS 15).
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ item: String) { lock.withLock { storage.append(item) } }
    var items: [String] { lock.withLock { storage } }
}
