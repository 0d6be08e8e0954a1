import Foundation
import Testing
import KlaxonCore
@testable import KlaxonTestSupport

/// `klaxon check` on the delivery sections: what would make every send fail is a
/// problem (exit 1); a secret unset in the operator's shell is a warning, because
/// cron runs with its own environment.
@Suite struct CheckDeliveryTests {
    @Test func checkReportsBadEndpointsMissingCAFilesAndUnsetSecrets() throws {
        let temp = TempFolder()
        let job = temp.url("job.json5")
        try """
        { state: "st", email: { url: "smtps://mail.example.com", from: "noc@example.com", password_env: "KLAXON_E2E_UNSET_PW", ca_file: "missing-ca.pem" },
          sms: { provider: "webhook", url: "not a url", method: "POTS" },
          penalties: { webhook: { url: "ftp:/x", token_env: "KLAXON_E2E_UNSET_HOOK" } }, alerts: [] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        let invalid = try KlaxonBinary.run(["check", job])
        #expect(invalid.status == 1)
        for expected in ["sms.url: \"not a url\"", "sms.method: unknown method \"POTS\"", "penalties.webhook.url: \"ftp:/x\""] {
            #expect(invalid.stderr.contains(expected), "missing \(expected): \(invalid.stderr)")
        }

        try """
        { state: "st", email: { url: "smtps://mail.example.com", from: "noc@example.com", password_env: "KLAXON_E2E_UNSET_PW", ca_file: "missing-ca.pem" },
          penalties: { webhook: { url: "https://switch.example.com/hook", token_env: "KLAXON_E2E_SET_HOOK" } }, alerts: [] }
        """.write(toFile: job, atomically: true, encoding: .utf8)
        let missing = try KlaxonBinary.run(["check", job], environment: ["KLAXON_E2E_SET_HOOK": "t"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("email.ca_file: \(temp.url("missing-ca.pem")) does not exist"), "\(missing.stderr)")
        #expect(missing.stderr.contains("warning: \(job): email.password_env: the environment variable KLAXON_E2E_UNSET_PW is not set here"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("KLAXON_E2E_SET_HOOK"))

        try FileManager.default.copyItem(atPath: job, toPath: temp.url("missing-ca.pem"))
        let clean = try KlaxonBinary.run(["check", job], environment: ["KLAXON_E2E_SET_HOOK": "t"])
        #expect(clean.status == 0, "an unset secret is a warning only: \(clean.stderr)")
        #expect(clean.stdout.contains("OK"))
        #expect(clean.stderr.contains("KLAXON_E2E_UNSET_PW") && clean.stderr.contains("cron"))
        // Every warning printed is counted in the OK line.
        let printed = clean.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }.count
        #expect(printed > 0 && clean.stdout.contains("\(printed) warning"), "\(clean.stdout)\(clean.stderr)")
    }
}
