import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `--deliver-to`: the files stand for what SMTP and HTTP would carry.
@Suite struct FileSinkTests {
    @Test func aLongEnvelopeIsFoldedAndUnfoldsToEveryRecipient() throws {
        let scratch = Scratch()
        let recipients = (1...60).map { "operator-\($0)@carrier-\($0).example" }
        let item = OutboxItem(id: "abc", channel: .email, alert: "A", company: "C1", kind: "fired", recipients: recipients,
                              subject: "s", payload: "Subject: s\r\n\r\nbody\r\n", createdAt: 0, nextAttempt: 0)

        try FileSink(directory: scratch.url("sent")).deliver(item)

        let text = try #require(scratch.read("sent/abc.eml"))
        let head = try #require(text.components(separatedBy: "\r\nSubject: s").first)
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.count > 1, "folded")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") }, "continuation lines start with a space")
        #expect(head.replacingOccurrences(of: "\r\n", with: "") == "X-Klaxon-Envelope-To: " + recipients.joined(separator: ", "))
    }
}
