/// The built-in `digest` template (behaviour.md "Grouped notifications"): one message holding every event of a
/// run for one address. A folder template named `digest` replaces it.
enum DigestTemplates {
    static let name = "digest"

    /// What a digest template may use besides the per-event variables inside `{{#events}}`.
    static let digestVariables: Set<String> = [
        "events", "count", "fired_count", "repeat_count", "escalated_count", "firing_count", "reset_count", "summary",
        "subject", "sms", "recipient", "brandName", "now", "name", "company", "company.id", "company.name", "company.type", "company.currency",
    ]

    static var knownVariables: Set<String> { TemplateSet.knownVariables.union(digestVariables) }

    static let subject = """
    {{#brandName}}[{{brandName}}] {{/brandName}}{{summary}}{{#company}} — {{name}}{{/company}}
    """

    static let text = """
    {{#company}}
    Hello {{name}},

    {{/company}}
    {{summary}} at {{now}}.

    {{#events}}
    {{#is_fired}}FIRING{{/is_fired}}{{#is_escalated}}ESCALATED{{/is_escalated}}{{#is_repeat}}STILL FIRING{{/is_repeat}}{{#is_reset}}RESOLVED{{/is_reset}} {{title}} ({{level}}): {{name}} ({{company.id}}){{#destination}} to {{destination}}{{/destination}}, {{area}}{{#value}} {{value}}{{/value}}{{#threshold}}, threshold {{threshold}}{{/threshold}}{{#penalty_until}}, traffic suspended until {{penalty_until}}{{/penalty_until}}
    {{#message}}
        {{message}}
    {{/message}}
    {{/events}}
    {{#brandName}}

    -- 
    {{brandName}}
    {{/brandName}}

    """

    static let html = """
    <!DOCTYPE html>
    <html><body style="font-family: sans-serif">
    {{#company}}
    <p>Hello {{name}},</p>
    {{/company}}
    <p>{{summary}} at {{now}}.</p>
    <table cellpadding="4" style="border-collapse: collapse">
    <tr><th align="left">State</th><th align="left">Alert</th><th align="left">Level</th><th align="left">Company</th><th align="left">Value</th><th align="left">Threshold</th></tr>
    {{#events}}
    <tr><td>{{#is_fired}}firing{{/is_fired}}{{#is_escalated}}escalated{{/is_escalated}}{{#is_repeat}}still firing{{/is_repeat}}{{#is_reset}}resolved{{/is_reset}}</td><td>{{title}}</td><td>{{level}}</td><td>{{name}} ({{company.id}}){{#destination}} to {{destination}}{{/destination}}</td><td>{{value}}</td><td>{{threshold}}</td></tr>
    {{/events}}
    </table>
    {{#brandName}}
    <p>-- <br>{{brandName}}</p>
    {{/brandName}}
    </body></html>

    """

    /// Plain GSM-7 characters only, so a digest of ASCII names stays at 153 characters a part.
    static let sms = """
    {{#brandName}}{{brandName}}: {{/brandName}}{{summary}}
    {{#events}}
    {{#is_reset}}resolved: {{/is_reset}}{{#is_escalated}}escalated: {{/is_escalated}}{{title}} {{name}}{{#destination}} {{destination}}{{/destination}}{{#value}} {{value}}{{/value}}
    {{/events}}
    """

    static func digest() throws(TemplateError) -> MessageTemplate {
        MessageTemplate(subject: try Template(source: subject, name: "digest.subject (built-in)"),
                        text: try Template(source: text, name: "digest.txt (built-in)"),
                        html: try Template(source: html, name: "digest.html (built-in)"),
                        sms: try Template(source: sms, name: "digest.sms (built-in)"))
    }
}

extension DigestTemplates {
    /// `digest` renders a whole run's events for one address; as one alert's template it
    /// would print an empty list, so an alert naming it is refused at load.
    static func alertNamingDigest(_ alert: AlertDefinition) -> Problem? {
        guard alert.template == name else { return nil }
        return Problem(file: alert.file, alert: alert.title, field: "template",
                       message: "\"digest\" is the template of grouped notifications (notify: { group: \"recipient\" }), not of one alert; name another template or leave `template` out for the built-in \"alert\"")
    }
}
