import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// The delivery sections of a job as loading and `klaxon check` judge them.
@Suite struct DeliverySettingsTests {
    func problems(_ sections: String) -> [String] {
        let scratch = Scratch()
        scratch.write("job.json5", "{ state: \"st\", \(sections) alerts: [] }")
        switch JobLoader.load(scratch.url("job.json5")) {
        case .success: return []
        case .failure(let error): return error.problems.map(\.description)
        }
    }

    func loads(_ sections: String) -> Bool { problems(sections).isEmpty }

    @Test func credentialsOverAPlainConnectionToAnotherHostAreRefusedUnlessTheJobSaysSo() {
        let smtp = "email: { url: \"smtp://mail.example.com:25\", starttls: \"off\", from: \"noc@example.com\", username_env: \"U\", password_env: \"P\""
        let refused = problems(smtp + " },")
        #expect(refused.count == 1)
        #expect(refused.first?.contains("email.starttls") == true && refused.first?.contains("mail.example.com") == true
                && refused.first?.contains("allow_plaintext_credentials: true") == true, "\(refused)")
        #expect(loads(smtp + ", allow_plaintext_credentials: true },"))
        #expect(loads("email: { url: \"smtp://127.0.0.1:25\", starttls: \"off\", from: \"noc@example.com\", password_env: \"P\" },"), "loopback is fine")
        #expect(loads("email: { url: \"smtp://mail.example.com:25\", starttls: \"off\", from: \"noc@example.com\" },"), "no login, nothing to leak")

        let twilio = problems("sms: { provider: \"twilio\", account_env: \"A\", token_env: \"T\", from: \"+15550100\", base_url: \"http://gw.example.com\" },")
        #expect(twilio.contains { $0.contains("sms.base_url") && $0.contains("gw.example.com") }, "\(twilio)")
        let hook = problems("sms: { provider: \"webhook\", url: \"http://gw.example.com/send\", token_env: \"T\" },")
        #expect(hook.contains { $0.contains("sms.url") }, "\(hook)")
        let header = problems("sms: { provider: \"webhook\", url: \"http://gw.example.com/send\", headers: { \"X-Key\": \"${K}\" } },")
        #expect(header.contains { $0.contains("sms.url") }, "\(header)")
        let penalty = problems("penalties: { webhook: { url: \"http://switch.example.com/hook\", token_env: \"T\" } },")
        #expect(penalty.contains { $0.contains("penalties.webhook.url") }, "\(penalty)")
        #expect(loads("penalties: { webhook: { url: \"http://switch.example.com/hook\", token_env: \"T\", allow_plaintext_credentials: true } },"))
        #expect(loads("penalties: { webhook: { url: \"https://switch.example.com/hook\", token_env: \"T\" } },"))
        // The field is known whether or not a token is set.
        #expect(loads("penalties: { webhook: { url: \"https://switch.example.com/hook\", allow_plaintext_credentials: true } },"))
        // Loopback is 127.0.0.0/8 as an address, not any name that starts with "127.".
        let named = problems("email: { url: \"smtp://127.mail.example.com:25\", starttls: \"off\", from: \"noc@example.com\", password_env: \"P\" },")
        #expect(named.contains { $0.contains("127.mail.example.com") }, "\(named)")
        #expect(loads("email: { url: \"smtp://127.0.0.53:25\", starttls: \"off\", from: \"noc@example.com\", password_env: \"P\" },"))
    }

    @Test func webhookURLsAndMethodsMustBeUsable() {
        let sms = problems("sms: { provider: \"webhook\", url: \"not a url\", method: \"POTS\" },")
        #expect(sms.contains { $0.contains("sms.url") && $0.contains("not a url") }, "\(sms)")
        #expect(sms.contains { $0.contains("sms.method") && $0.contains("POTS") }, "\(sms)")
        let penalty = problems("penalties: { webhook: { url: \"ftp:/x\", method: \"get\" } },")
        #expect(penalty.contains { $0.contains("penalties.webhook.url") && $0.contains("ftp:/x") }, "\(penalty)")
        #expect(penalty.contains { $0.contains("penalties.webhook.method") }, "\(penalty)")
        #expect(loads("sms: { provider: \"webhook\", url: \"https://gw.example.com/send\", method: \"put\" },"))
    }

    @Test func aFormBodyCannotHoldObjectsAndEveryTemplateMustParse() {
        let form = problems("sms: { provider: \"webhook\", url: \"https://gw.example.com\", encoding: \"form\", body: { to: \"{{to}}\", meta: { a: 1 }, n: 5 } },")
        #expect(form.count == 1 && form.first?.contains("sms.body.meta") == true, "\(form)")
        let template = problems("sms: { provider: \"webhook\", url: \"https://gw.example.com\", body: { text: \"{{#body}}\" } },")
        #expect(template.contains { $0.contains("sms.body.text") }, "\(template)")
        let header = problems("sms: { provider: \"webhook\", url: \"https://gw.example.com\", headers: { \"X-Meta\": { a: 1 } } },")
        #expect(header.contains { $0.contains("sms.headers.X-Meta") }, "\(header)")
    }

    @Test func checkNamesAMissingCAFileAndEverySecretVariableUnsetHere() throws {
        let scratch = Scratch()
        let job = try scratch.job("""
        { state: "st", email: { url: "smtps://mail.example.com", from: "noc@example.com", username_env: "KX_USER", password_env: "KX_PASS", ca_file: "ca/missing.pem" },
          sms: { provider: "webhook", url: "https://gw.example.com", token_env: "KX_SMS", headers: { "X-Key": "${KX_KEY}" }, ca_file: "/nonexistent/ca.pem" },
          penalties: { webhook: { url: "https://sw.example.com", token_env: "KX_HOOK", ca_file: "ca" } }, alerts: [] }
        """)
        try FileManager.default.createDirectory(atPath: scratch.url("ca"), withIntermediateDirectories: true)
        let problems = DeliveryCheck.problems(job).map(\.description)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.contains("email.ca_file: \(scratch.url("ca/missing.pem")) does not exist") }, "relative to the job: \(problems)")
        #expect(problems.contains { $0.contains("sms.ca_file: /nonexistent/ca.pem does not exist") })
        #expect(problems.contains { $0.contains("penalties.webhook.ca_file") && $0.contains("is not a file") })

        let warnings = DeliveryCheck.warnings(job, environment: ["KX_USER": "u", "KX_SMS": ""]).map(\.description)
        #expect(warnings.count == 4, "\(warnings)")
        for expected in ["email.password_env: the environment variable KX_PASS", "sms.token_env: the environment variable KX_SMS",
                         "sms.headers.X-Key: the environment variable KX_KEY", "penalties.webhook.token_env: the environment variable KX_HOOK"] {
            #expect(warnings.contains { $0.contains(expected) && $0.contains("cron") }, "missing \(expected): \(warnings)")
        }
    }
}

/// Error text and gateway answers lose every form a secret can take.
@Suite struct RedactionTests {
    @Test func everyEncodingOfASecretIsRedacted() {
        let secret = "Tw/tok+5 a&\"?ÿþ"
        let b64 = Data(secret.utf8).base64EncodedString()
        let encoder = JSONEncoder()
        let json = String(decoding: try! encoder.encode(secret), as: UTF8.self).dropFirst().dropLast()
        let percent = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let forms = [secret, b64, String(json), percent, percent.replacingOccurrences(of: "%20", with: "+"),
                     "Tw%2ftok%2b5%20a%26%22%3f%c3%bf%c3%be", "Tw\\/tok+5 a&\\\"?\\u00ff\\u00fe",
                     "Tw\\u002ftok\\u002b5\\u0020a\\u0026\\u0022\\u003f\\u00ff\\u00fe", "Tw/tok+5 a&amp;&quot;?ÿþ",
                     b64.replacingOccurrences(of: "/", with: "\\/"), b64.replacingOccurrences(of: "/", with: "%2F").replacingOccurrences(of: "+", with: "%2B")]
        for form in forms {
            let redacted = Redaction.apply([secret], to: "refused: <\(form)> end")
            // Base64 padding left beside the redaction tells nothing.
            let left = redacted.replacingOccurrences(of: "[redacted]", with: "").dropFirst("refused: <".count).dropLast("> end".count)
            #expect(redacted.contains("[redacted]") && left.allSatisfy { $0 == "=" }, "\(form) → \(redacted)")
        }
    }
}
