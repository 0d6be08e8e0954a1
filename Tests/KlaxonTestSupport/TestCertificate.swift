import Foundation

/// A self-signed certificate for CN=localhost with subjectAltName DNS:localhost
/// and IP:127.0.0.1, made with the openssl command at test time. The
/// certificate is its own CA, so it doubles as the CA file for the client.
struct TestCertificate: Sendable {
    let certificatePath: String
    let keyPath: String

    /// Made once per test process: key generation is the slow part.
    private static let cached: Result<TestCertificate, TestSupportError> = make()

    static func shared() throws -> TestCertificate {
        try cached.get()
    }

    private static func make() -> Result<TestCertificate, TestSupportError> {
        guard let openssl = TestPython.which("openssl") else {
            return .failure(TestSupportError("the openssl command is needed to make a test certificate"))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-cert-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            return .failure(TestSupportError("cannot create \(folder.path): \(error)"))
        }
        let certificate = TestCertificate(
            certificatePath: folder.appendingPathComponent("cert.pem").path,
            keyPath: folder.appendingPathComponent("key.pem").path
        )
        let result = TestPython.run(openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", certificate.keyPath, "-out", certificate.certificatePath,
        ])
        guard result.status == 0 else {
            return .failure(TestSupportError("openssl req failed:\n\(result.output)"))
        }
        // The certificate is shared by all tests, so it can only go when the process does.
        atexit {
            if case .success(let certificate) = TestCertificate.cached {
                let folder = URL(fileURLWithPath: certificate.certificatePath).deletingLastPathComponent()
                try? FileManager.default.removeItem(at: folder)
            }
        }
        return .success(certificate)
    }
}
