import Foundation
import KlaxonEngine

/// A job's `report` section: mail the `klaxon report` of each run (the nightly
/// report) to people, as Markdown text with the HTML page as its alternative.
public struct ReportMailSettings: Sendable {
    public var to: [String]
    /// The subject; `{{date}}` becomes the run's date in the job's `timezone`. Default: "[brand] job report date".
    public var subject: String?

    /// Reads `report: { to: [...], subject }`; needs the job's `email` settings.
    static func parse(_ r: inout ObjectReader, hasEmail: Bool) -> ReportMailSettings? {
        guard var o = r.object("report") else { return nil }
        let to = o.strings("to") ?? []
        if to.isEmpty { o.problem("to", "is required: the e-mail addresses the report goes to") }
        for (i, address) in to.enumerated() where !MailAddress.isValidAddress(address) {
            o.problem("to[\(i)]", "malformed address \"\(address)\"; write name@example.com")
        }
        if !hasEmail { o.problem("to", "mails the report, but the job has no `email` settings") }
        let subject = o.string("subject")
        o.rejectUnknownKeys()
        r.absorb(o)
        return ReportMailSettings(to: to, subject: subject)
    }
}

/// Builds the report e-mail of one run as an outbox item, so it is committed with
/// the state and delivered, retried and reported like any notification.
struct ReportMail {
    let job: Job
    let now: Int64

    func item(state: KlaxonState) -> OutboxItem? {
        guard let settings = job.report, let email = job.email else { return nil }
        // As `klaxon report` will show it after this run, except that the outbox
        // counts only what earlier runs left undelivered, not this run's fresh messages.
        var view = state
        view.meta.lastRun = now
        view.meta.outbox.removeAll { $0.createdAt >= now }
        let report = MetricsReport(job: job, state: view, now: now)
        let date = job.shownTime.date(now)
        let brand = job.brand.isEmpty ? "" : "[\(job.brand)] "
        let subject = settings.subject.map { $0.replacingOccurrences(of: "{{date}}", with: date) }
            ?? "\(brand)\(job.name) report \(date): \(report.triggered.count) triggered, \(report.penalties.count) penalties"
        let identity = [job.name, "report", String(now), settings.to.joined(separator: ",")].joined(separator: "\u{1F}")
        let id = ContentDigest.of(Array(identity.utf8))
        let rendered = (subject: subject, text: report.render(.md), html: Optional(report.render(.html)), sms: subject)
        guard let message = NotificationComposer(job: job, now: now).emailMessage(id: id, settings: email, to: settings.to, rendered: rendered, test: false) else {
            return nil
        }
        return OutboxItem(id: id, channel: .email, alert: nil, company: nil, kind: "report", recipients: settings.to,
                          subject: subject, payload: message.rendered(), createdAt: now, nextAttempt: now)
    }
}
