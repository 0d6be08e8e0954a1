/// The built-in `feed` template of the "feed stale: X" alerts; a template folder's
/// `feed.subject` and `feed.txt` replace it.
enum FeedTemplate {
    static let subject = """
    {{#brandName}}[{{brandName}}] {{/brandName}}{{#is_reset}}Resolved: {{/is_reset}}{{title}} ({{name}})
    """

    static let text = """
    {{message}}

    Job {{name}}, alert "{{title}}" ({{kind}}), at {{now}}.

    """

    static let sms = """
    {{#brandName}}{{brandName}}: {{/brandName}}{{#is_reset}}resolved {{/is_reset}}{{title}} ({{name}})
    """

    /// The job as the composer needs it for "feed stale" events: with this template, unless
    /// its folder has its own. Kept out of the job's set, so an alert cannot name it.
    static func job(_ job: Job) -> Job {
        guard job.templates.templates["feed"] == nil, let feed = try? template() else { return job }
        var copy = job
        copy.templates = job.templates.adding("feed", feed)
        return copy
    }

    static func template() throws(TemplateError) -> MessageTemplate {
        MessageTemplate(subject: try Template(source: subject, name: "feed.subject (built-in)"),
                        text: try Template(source: text, name: "feed.txt (built-in)"),
                        html: nil,
                        sms: try Template(source: sms, name: "feed.sms (built-in)"))
    }
}
