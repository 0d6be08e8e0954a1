/// The built-in `alert` template, modelled on ConnexCS's stock alert e-mail.
enum BuiltInTemplates {
    static let subject = """
    {{#is_test}}[TEST] {{/is_test}}{{#brandName}}[{{brandName}}] {{/brandName}}{{#is_reset}}Resolved: {{/is_reset}}{{#is_escalated}}Escalated: {{/is_escalated}}{{title}}{{#destination}} ({{destination}}){{/destination}} — {{name}}
    """

    static let text = """
    Hello {{name}},

    {{#is_reset}}
    The {{area}} alert "{{title}}" has cleared{{#value}}: the value is now {{value}}{{/value}}.
    {{/is_reset}}
    {{^is_reset}}
    {{#threshold}}
    The {{area}} threshold of {{threshold}} has been reached{{#value}} and is currently at {{value}}{{/value}}.{{#triggered_since}} It has been triggered since {{triggered_since}}.{{/triggered_since}}
    {{/threshold}}
    {{^threshold}}
    {{#value}}
    Your {{area}} is currently {{value}}.{{#triggered_since}} It has been triggered since {{triggered_since}}.{{/triggered_since}}
    {{/value}}
    {{/threshold}}
    {{/is_reset}}
    {{#message}}

    {{message}}
    {{/message}}
    {{#sample_period}}

    Over the last {{sample_period}}: {{attempts}} attempts, {{connected}} connected, ASR {{asr}}, ACD {{acd}}.
    {{/sample_period}}
    {{#penalty_until}}

    {{#is_reset}}
    Traffic remains suspended until {{penalty_until}}.
    {{/is_reset}}
    {{^is_reset}}
    Traffic is suspended until {{penalty_until}} ({{penalty}}).
    {{/is_reset}}
    {{/penalty_until}}

    Alert: {{title}} ({{level}}), account {{company.id}}, at {{now}}.
    {{#brandName}}
    -- 
    {{brandName}}
    {{/brandName}}

    """

    static let sms = """
    {{#brandName}}{{brandName}}: {{/brandName}}{{#is_reset}}cleared {{/is_reset}}{{title}}{{#destination}} {{destination}}{{/destination}} {{name}} {{area}}{{#value}} {{value}}{{/value}}{{#penalty_until}}, suspended until {{penalty_until}}{{/penalty_until}}
    """

    static func alert() throws(TemplateError) -> MessageTemplate {
        MessageTemplate(subject: try Template(source: subject, name: "alert.subject (built-in)"),
                        text: try Template(source: text, name: "alert.txt (built-in)"),
                        html: nil,
                        sms: try Template(source: sms, name: "alert.sms (built-in)"))
    }
}
