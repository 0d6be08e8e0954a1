import Foundation

/// A complete e-mail, rendered to the exact RFC 5322 / MIME bytes that are
/// written to `.eml` files and handed to SMTP.
///
/// Rendering is a pure function of the stored values: no clock, randomness,
/// locale or per-process hash seed is consulted, so a resend of the same alert
/// is byte-for-byte the same message (and recognisably a duplicate).
public struct EmailMessage: Sendable {
    public var from: MailAddress
    /// Rendered in the To header; when empty the header is left out (RFC 5322
    /// §3.6.3 makes it optional; recipients then come from the envelope only).
    public var to: [MailAddress]
    public var subject: String
    /// The plain-text body; always present, first alternative.
    public var text: String
    /// Optional HTML alternative; when set the message is multipart/alternative.
    public var html: String?
    /// Rendered as UTC in the Date header.
    public var date: Date
    /// Message-ID without angle brackets, e.g. `a1b2c3@klaxon.example`. Only
    /// printable ASCII other than "<" and ">" is kept when rendering; the
    /// caller is responsible for making it unique (`id-left@id-right`).
    public var messageID: String
    /// Additional fields written after MIME-Version, in order, e.g.
    /// `X-Klaxon-Envelope-To`, `X-Klaxon-Test`. Values are unstructured text
    /// (folded, RFC 2047-encoded when not ASCII). A field is skipped when its
    /// name holds anything but printable ASCII without ":", or is one this type
    /// writes itself (Date, From, To, Subject, Message-ID, MIME-Version,
    /// Content-*), since a duplicate would make the message invalid or break
    /// its MIME structure.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: MailAddress,
        to: [MailAddress],
        subject: String,
        text: String,
        html: String? = nil,
        date: Date,
        messageID: String,
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
        self.extraHeaders = extraHeaders
    }

    /// Field names `rendered()` writes itself (compared case-insensitively).
    static let generatedHeaderNames: Set<String> = [
        "date", "from", "to", "subject", "message-id", "mime-version",
    ]

    /// The whole message: header, blank line, body; every line ends in CRLF
    /// (including the last), every character is ASCII, no line is longer than
    /// 78 characters except an over-long unbreakable token in a plain ASCII
    /// header (never longer than 998).
    public func rendered() -> String {
        var lines: [String] = []
        lines.append("Date: " + RFC5322Date.format(date))
        lines.append(HeaderFolding.fold(
            name: "From", pieces: Self.addressListPieces([from], fieldName: "From"),
            limit: addressLineLimit([from])))
        if !to.isEmpty {
            lines.append(HeaderFolding.fold(
                name: "To", pieces: Self.addressListPieces(to, fieldName: "To"), limit: addressLineLimit(to)))
        }
        lines.append(HeaderFolding.unstructuredField(name: "Subject", value: subject))
        lines.append("Message-ID: <" + sanitizedMessageID + ">")
        lines.append("MIME-Version: 1.0")
        for header in extraHeaders {
            guard let name = HeaderSafety.validHeaderName(header.name) else { continue }
            let lowered = name.lowercased()
            if Self.generatedHeaderNames.contains(lowered) || lowered.hasPrefix("content-") {
                continue
            }
            lines.append(HeaderFolding.unstructuredField(name: name, value: header.value))
        }

        let plainPart = QuotedPrintable.encode(text)
        guard let html else {
            lines.append(Self.textContentType(subtype: "plain"))
            lines.append(Self.qpEncodingHeader)
            lines.append("")
            // Terminate the last body line so the file ends in CRLF (and SMTP's
            // end-of-data "." lands on its own line without help).
            let needsFinalBreak = !plainPart.isEmpty && !plainPart.hasSuffix("\r\n")
            return lines.joined(separator: "\r\n") + "\r\n" + plainPart + (needsFinalBreak ? "\r\n" : "")
        }

        let htmlPart = QuotedPrintable.encode(html)
        let boundary = Self.boundary(for: sanitizedMessageID, avoiding: [plainPart, htmlPart])
        lines.append(HeaderFolding.fold(
            name: "Content-Type",
            pieces: ["multipart/alternative;", "boundary=\"" + boundary + "\""],
            limit: HeaderFolding.recommendedLineLength))
        lines.append("")
        // RFC 2046 §5.1.1: the CRLF before "--boundary" belongs to the
        // delimiter, so each part's content is exactly its encoded text.
        for (subtype, part) in [("plain", plainPart), ("html", htmlPart)] {
            lines.append("--" + boundary)
            lines.append(Self.textContentType(subtype: subtype))
            lines.append(Self.qpEncodingHeader)
            lines.append("")
            lines.append(part)
        }
        lines.append("--" + boundary + "--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `rendered()` as bytes (ASCII, so identical to its UTF-8 form), ready to
    /// write to a `.eml` file or upload over SMTP.
    public func renderedData() -> Data {
        Data(rendered().utf8)
    }

    // MARK: - Pieces

    private static let qpEncodingHeader = "Content-Transfer-Encoding: quoted-printable"

    private static func textContentType(subtype: String) -> String {
        "Content-Type: text/\(subtype); charset=UTF-8"
    }

    /// msg-id may only hold printable ASCII and must not contain the angle
    /// brackets we add; everything else (CR, LF, spaces, controls, non-ASCII)
    /// is dropped so the value cannot break out of its header line.
    var sanitizedMessageID: String {
        let kept = messageID.unicodeScalars.filter {
            (33...126).contains($0.value) && $0 != "<" && $0 != ">"
        }
        return String(String.UnicodeScalarView(kept))
    }

    /// Mailboxes separated by commas; the comma sticks to the mailbox before it
    /// so a fold never starts a line with ",". The first mailbox's first
    /// encoded-word is sized to fit after "Name: " (RFC 2047's 76 limit).
    static func addressListPieces(_ mailboxes: [MailAddress], fieldName: String) -> [String] {
        var pieces: [String] = []
        let firstRoom = HeaderFolding.encodedWordLineLength - (fieldName.utf8.count + 2)
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxPieces = mailbox.headerPieces(
                firstWordRoom: index == 0 ? firstRoom : EncodedWord.maximumLength)
            if index < mailboxes.count - 1, let last = mailboxPieces.popLast() {
                mailboxPieces.append(last + ",")
            }
            pieces += mailboxPieces
        }
        return pieces
    }

    /// RFC 2047 §2 caps lines holding encoded-words at 76; otherwise 78 applies.
    private func addressLineLimit(_ mailboxes: [MailAddress]) -> Int {
        let encoded = mailboxes.contains { mailbox in
            mailbox.displayName.map(EncodedWord.needsEncoding) ?? false
        }
        return encoded ? HeaderFolding.encodedWordLineLength : HeaderFolding.recommendedLineLength
    }

    /// A boundary derived from the Message-ID (so rendering stays
    /// deterministic) plus a counter, bumped until the delimiter occurs in no
    /// part. Starting with "=_" already makes a clash impossible: quoted-
    /// printable output never has "=" followed by "_". The check is kept so
    /// the guarantee does not rest on that alone. At most 70 characters and
    /// only bchars (RFC 2046 §5.1.1); quoted in the header because "=" is a
    /// tspecial.
    static func boundary(for messageID: String, avoiding parts: [String]) -> String {
        let hash = fnv1a64(Array(messageID.utf8))
        let hex = String(hash, radix: 16)
        let stem = "=_Klaxon_" + String(repeating: "0", count: 16 - hex.count) + hex + "_"
        var candidate = stem + "0"
        for counter in 0..<1_000 {
            candidate = stem + String(counter)
            if !parts.contains(where: { $0.contains("--" + candidate) }) {
                break
            }
        }
        return candidate
    }

    /// 64-bit FNV-1a: a fixed, seedless hash. Swift's `Hasher` is seeded per
    /// process and would give a different boundary on every run.
    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
