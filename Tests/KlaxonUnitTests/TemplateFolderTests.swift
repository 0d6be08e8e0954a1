import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Mistakes in a job's template folder, as `klaxon check` reports them: each once,
/// at its file, line and column, with the closest right spelling.
@Suite struct TemplateFolderTests {
    private func problems(templates: [String: String], alerts: [String] = ["x", "x"]) -> [String] {
        let scratch = Scratch()
        for (name, source) in templates { scratch.write("templates/\(name)", source) }
        let list = alerts.enumerated().map { index, template in
            "{ title: \"T\(index)\", company: \"C1\", to: [\"a@example.com\"], area: \"balance\", operator: \"<\", threshold: 1, template: \"\(template)\" }"
        }.joined(separator: ",\n")
        scratch.write("job.json5", """
        { state: "st", templates: "templates", email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ \(list) ] }
        """)
        let folder = scratch.url("templates") + "/"
        return (JobLoader.load(scratch.url("job.json5")).failure?.problems ?? []).map { $0.description.replacingOccurrences(of: folder, with: "") }
    }

    @Test func anUnknownVariableIsLocatedWithTheClosestKnownName() {
        let got = problems(templates: ["x.subject": "{{title}}", "x.txt": "Hello,\n  {{compnay.name}} is at {{value}}\n"])
        #expect(got == ["x.txt: line 2, column 3: unknown variable {{compnay.name}}; did you mean {{company.name}}?"])
    }

    @Test func theListOfVariablesIsGivenOnceNotAfterEveryMistake() {
        let got = problems(templates: ["x.subject": "{{zzz}}", "x.txt": "{{qqqqqq}} {{wwwwww}}"])
        #expect(got.count == 3, "\(got)")
        #expect(got.filter { $0.contains("a template may use") }.count == 1, "\(got)")
        #expect(got.contains("x.txt: line 1, column 12: unknown variable {{wwwwww}}"), "\(got)")
    }

    @Test func aParseErrorNamesThePathOnceAndDoesNotCascade() {
        let got = problems(templates: ["x.subject": "{{title}}", "x.txt": "{{#company}}\n{{/penalty}}\n"])
        #expect(got == ["x.txt: line 2, column 1: section \"company\" opened on line 1 is closed by \"/penalty\""], "\(got)")
    }

    @Test func aMissingPartDoesNotCascadeEither() {
        let got = problems(templates: ["x.subject": "{{title}}"])
        #expect(got.count == 1, "\(got)")
        #expect(got.first?.hasSuffix("missing: template \"x\" needs x.subject and x.txt") == true, "\(got)")
    }

    @Test func anUnknownTemplateSuggestsTheClosestOne() {
        let got = problems(templates: ["low-balance.subject": "{{title}}", "low-balance.txt": "{{value}}"], alerts: ["low_balance"])
        #expect(got.count == 1)
        #expect(got.first?.hasSuffix("template: unknown template \"low_balance\"; did you mean \"low-balance\"? (known: alert, low-balance)") == true, "\(got)")
    }
}
