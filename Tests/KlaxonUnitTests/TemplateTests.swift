import Testing
import KlaxonCore
@testable import KlaxonTestSupport

private func render(_ source: String, _ context: TemplateValue = [:], escapeHTML: Bool = false) throws -> String {
    try Template(source: source, name: "test.txt").render(context, escapeHTML: escapeHTML)
}

/// The error a template fails with, or nil if it parses.
private func parseError(_ source: String, name: String = "alert.html") -> TemplateError? {
    do {
        _ = try Template(source: source, name: name)
        return nil
    } catch {
        return error
    }
}

@Suite("Variables")
struct VariableTests {
    @Test("a variable is replaced by its string value")
    func replacesVariable() throws {
        #expect(try render("Hello {{name}}!", ["name": "Alice"]) == "Hello Alice!")
    }

    @Test("whitespace inside a tag is ignored")
    func whitespaceInsideTags() throws {
        let context: TemplateValue = ["name": "Alice", "ok": true]
        #expect(try render("{{ name }}|{{{ name }}}|{{& name}}|{{# ok }}y{{/ ok }}", context) == "Alice|Alice|Alice|y")
    }

    @Test("a missing variable renders as the empty string")
    func missingVariableIsEmpty() throws {
        #expect(try render("[{{nope}}][{{a.b.c}}]", ["a": ["x": "1"]]) == "[][]")
    }

    @Test("booleans render as true/false; lists, objects and null render as nothing")
    func nonStringValues() throws {
        let context: TemplateValue = ["t": true, "f": false, "l": ["x"], "o": ["k": "v"], "n": .null]
        #expect(try render("{{t}} {{f}} [{{l}}][{{o}}][{{n}}]", context) == "true false [][][]")
    }

    @Test("text without tags, including single braces, is copied verbatim")
    func plainText() throws {
        let source = "Rate { per minute } is } ok { and ünïcödé 🚨\r\n"
        #expect(try render(source) == source)
    }
}

@Suite("HTML escaping")
struct EscapingTests {
    @Test("{{var}} escapes & < > \" ' when rendering HTML")
    func escapesForHTML() throws {
        let context: TemplateValue = ["v": "<a href=\"x\">Tom & Jerry's</a>"]
        #expect(try render("{{v}}", context, escapeHTML: true) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    }

    @Test("{{var}} is not escaped when rendering text, subject or SMS")
    func doesNotEscapeForText() throws {
        #expect(try render("{{v}}", ["v": "Tom & Jerry <x>"], escapeHTML: false) == "Tom & Jerry <x>")
    }

    @Test("triple mustache and {{& var}} are never escaped, even for HTML")
    func tripleAndAmpersandAreRaw() throws {
        let context: TemplateValue = ["v": "<b>&</b>"]
        #expect(try render("{{{v}}} {{&v}} {{& v}}", context, escapeHTML: true) == "<b>&</b> <b>&</b> <b>&</b>")
    }

    @Test("an ampersand followed by a combining mark is still escaped")
    func escapesAmpersandWithCombiningMark() throws {
        #expect(try render("{{v}}", ["v": "&\u{301}<\u{301}"], escapeHTML: true) == "&amp;\u{301}&lt;\u{301}")
    }

    @Test("template text itself is never escaped")
    func templateTextIsNotEscaped() throws {
        #expect(try render("<p>{{v}} & co</p>", ["v": "<"], escapeHTML: true) == "<p>&lt; & co</p>")
    }
}

@Suite("Dotted names and the context stack")
struct LookupTests {
    @Test("dotted names resolve through nested objects")
    func dottedNames() throws {
        let context: TemplateValue = ["company": ["id": "42", "owner": ["name": "Ann"]]]
        #expect(try render("{{company.id}} {{company.owner.name}}", context) == "42 Ann")
    }

    @Test("names inside a section resolve on the innermost context first, then outward")
    func innermostFirst() throws {
        let context: TemplateValue = ["name": "outer", "area": "EU", "inner": ["name": "inner"]]
        #expect(try render("{{#inner}}{{name}} in {{area}}{{/inner}} {{name}}", context) == "inner in EU outer")
    }

    @Test("the first part of a dotted name is found on the stack, the rest only within it")
    func dottedNameDoesNotFallBack() throws {
        // `company` is found in the inner context; its missing `name` must not be
        // taken from the outer `company`.
        let context: TemplateValue = [
            "company": ["name": "Outer Ltd"],
            "row": ["company": ["id": "7"]],
        ]
        #expect(try render("{{#row}}[{{company.name}}][{{company.id}}]{{/row}}", context) == "[][7]")
    }

    @Test("a dotted name can start with a name from an outer context")
    func dottedNameFromOuterContext() throws {
        let context: TemplateValue = ["company": ["id": "7"], "rows": [["x": "a"], ["x": "b"]]]
        #expect(try render("{{#rows}}{{x}}{{company.id}} {{/rows}}", context) == "a7 b7 ")
    }

    @Test("{{.}} is the current item")
    func currentItem() throws {
        #expect(try render("{{#ips}}<{{.}}>{{/ips}}", ["ips": ["10.0.0.1", "10.0.0.2"]]) == "<10.0.0.1><10.0.0.2>")
    }

    @Test("{{.}} at the top level is the whole context when it is a string")
    func currentItemAtTopLevel() throws {
        #expect(try render("[{{.}}]", "hi") == "[hi]")
    }
}

@Suite("Sections")
struct SectionTests {
    @Test("a section over true renders once; over false or null renders nothing")
    func sectionOverBool() throws {
        let source = "{{#t}}T{{/t}}{{#f}}F{{/f}}{{#n}}N{{/n}}{{#missing}}M{{/missing}}"
        #expect(try render(source, ["t": true, "f": false, "n": .null]) == "T")
    }

    @Test("a section over a list repeats once per item with the item as context")
    func sectionOverList() throws {
        let context: TemplateValue = ["calls": [["from": "A"], ["from": "B"], ["from": "C"]]]
        #expect(try render("{{#calls}}{{from}},{{/calls}}", context) == "A,B,C,")
    }

    @Test("a section over an empty list renders nothing")
    func sectionOverEmptyList() throws {
        #expect(try render("[{{#calls}}x{{/calls}}]", ["calls": []]) == "[]")
    }

    @Test("a section over an object renders once with the object as context")
    func sectionOverObject() throws {
        #expect(try render("{{#company}}{{id}}/{{name}}{{/company}}", ["company": ["id": "1", "name": "Acme"]]) == "1/Acme")
    }

    @Test("a section over an empty object is truthy and renders once")
    func sectionOverEmptyObject() throws {
        #expect(try render("{{#o}}yes{{/o}}", ["o": [:]]) == "yes")
    }

    @Test("a section over a non-empty string renders once with the string as {{.}}; an empty string renders nothing")
    func sectionOverString() throws {
        #expect(try render("{{#s}}<{{.}}>{{/s}}{{#e}}E{{/e}}", ["s": "0", "e": ""]) == "<0>")
    }

    @Test("nested sections over lists render every combination")
    func nestedLists() throws {
        let context: TemplateValue = ["rows": [["cells": ["a", "b"]], ["cells": ["c"]]]]
        #expect(try render("{{#rows}}[{{#cells}}{{.}}{{/cells}}]{{/rows}}", context) == "[ab][c]")
    }

    @Test("a dotted section name resolves like a dotted variable")
    func dottedSection() throws {
        #expect(try render("{{#a.b}}{{c}}{{/a.b}}", ["a": ["b": ["c": "deep"]]]) == "deep")
    }
}

@Suite("Inverted sections")
struct InvertedSectionTests {
    @Test("an inverted section renders once for every falsy value")
    func rendersForFalsy() throws {
        let context: TemplateValue = ["f": false, "n": .null, "e": "", "l": []]
        #expect(try render("{{^f}}f{{/f}}{{^n}}n{{/n}}{{^e}}e{{/e}}{{^l}}l{{/l}}{{^missing}}m{{/missing}}", context) == "fnelm")
    }

    @Test("an inverted section renders nothing for truthy values")
    func skipsTruthy() throws {
        let context: TemplateValue = ["t": true, "s": "x", "l": ["x"], "o": [:]]
        #expect(try render("[{{^t}}t{{/t}}{{^s}}s{{/s}}{{^l}}l{{/l}}{{^o}}o{{/o}}]", context) == "[]")
    }

    @Test("a section and its inverse give an if/else")
    func ifElse() throws {
        let source = "{{#penalty}}penalised{{/penalty}}{{^penalty}}no penalty{{/penalty}}"
        #expect(try render(source, ["penalty": true]) == "penalised")
        #expect(try render(source, ["penalty": false]) == "no penalty")
    }
}

@Suite("Comments and standalone lines")
struct StandaloneTests {
    @Test("comments render as nothing, even across lines and containing an opening {{")
    func comments() throws {
        #expect(try render("a{{! note }}b{{!\nmulti { line {{ \n}}c") == "abc")
    }

    @Test("a comment ends at its first }}, as in Mustache")
    func commentEndsAtFirstClose() throws {
        #expect(try render("{{! was {{old}} }}x") == " }}x")
    }

    @Test("standalone section lines are removed together with their line ending")
    func standaloneSectionLines() throws {
        let source = """
            Alerts:
            {{#alerts}}
            - {{.}}
            {{/alerts}}
            End
            """
        #expect(try render(source, ["alerts": ["one", "two"]]) == "Alerts:\n- one\n- two\nEnd")
    }

    @Test("indented standalone tags and comments are removed with their indentation")
    func indentedStandalone() throws {
        let source = "<ul>\n  {{#items}}\n  <li>{{.}}</li>\n  {{/items}}\n\t{{! comment }}  \n</ul>\n"
        #expect(try render(source, ["items": ["a"]]) == "<ul>\n  <li>a</li>\n</ul>\n")
    }

    @Test("standalone inverted sections and CRLF line endings are removed")
    func standaloneInvertedCRLF() throws {
        let source = "a\r\n{{^x}}\r\nb\r\n{{/x}}\r\nc"
        #expect(try render(source) == "a\r\nb\r\nc")
    }

    @Test("a standalone tag on the first or last line, without a newline, is removed")
    func standaloneAtEdges() throws {
        #expect(try render("  {{#x}}\nyes\n  {{/x}}", ["x": true]) == "yes\n")
    }

    @Test("a multi-line comment on its own lines is removed entirely")
    func standaloneMultilineComment() throws {
        #expect(try render("a\n{{!\n  explain\n}}\nb") == "a\nb")
    }

    @Test("section tags sharing a line with text or other tags are kept inline")
    func inlineTagsAreNotStandalone() throws {
        #expect(try render("x {{#t}}\nyes{{/t}} y\n", ["t": true]) == "x \nyes y\n")
        #expect(try render("{{#t}}{{/t}}\nz", ["t": true]) == "\nz")
    }

    @Test("variable tags alone on a line keep their line")
    func variablesAreNeverStandalone() throws {
        #expect(try render("a\n  {{v}}\nb", ["v": ""]) == "a\n  \nb")
    }
}

@Suite("Parse errors")
struct ErrorTests {
    @Test("an unclosed tag is reported where it opens")
    func unclosedTag() throws {
        let error = try #require(parseError("Hi\n  {{name and more"))
        #expect(error.description == "alert.html:2:3: tag \"{{name and more\" is never closed with \"}}\"")
    }

    @Test("long tags are quoted only in part in error messages")
    func unclosedTagOnLongLineIsShortened() throws {
        let long = String(repeating: "x", count: 10_000)
        for source in ["{{name " + long, "{{{" + long + "}}", "{{a " + long + "}}"] {
            let error = try #require(parseError(source))
            #expect(error.description.count < 200)
        }
    }

    @Test("an unclosed tag followed by another tag is reported at the unclosed one")
    func unclosedTagBeforeAnotherTag() throws {
        let error = try #require(parseError("{{a}}\n{{b\n{{c}}"))
        #expect((error.line, error.column) == (2, 1))
        #expect(error.message.contains("never closed"))
    }

    @Test("an unclosed comment is an error")
    func unclosedComment() throws {
        let error = try #require(parseError("x\n\n{{! forgot"))
        #expect((error.line, error.column) == (3, 1))
    }

    @Test("a section never closed is reported at its opening tag")
    func sectionNeverClosed() throws {
        let error = try #require(parseError("a\n{{#company}}\n{{id}}\n"))
        #expect(error.description == "alert.html:2:1: section \"company\" is never closed (expected \"{{/company}}\")")
    }

    @Test("a section closed by another name is reported at the closing tag with the opening line")
    func sectionClosedByOtherName() throws {
        let error = try #require(parseError("{{#company}}\n{{#penalty}}{{/penalty}}\n    {{/penalty}}"))
        #expect(error.description == "alert.html:3:5: section \"company\" opened on line 1 is closed by \"/penalty\"")
    }

    @Test("a close without an open is reported at the close")
    func closeWithoutOpen() throws {
        let error = try #require(parseError("ok\nok {{/area}}"))
        #expect(error.description == "alert.html:2:4: \"/area\" closes a section that was never opened")
    }

    @Test("empty tags are rejected", arguments: ["{{}}", "{{ }}", "{{{}}}", "{{#}}", "{{/ }}", "{{&}}", "{{^}}"])
    func emptyTag(source: String) throws {
        let error = try #require(parseError("line\n" + source))
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(error.message == "empty tag")
    }

    @Test("partials are rejected with a clear message")
    func partialsRejected() throws {
        let error = try #require(parseError("a\nb {{> footer}}"))
        #expect(error.description == "alert.html:2:3: partials (\"{{>\") are not supported")
    }

    @Test("delimiter changes are rejected with a clear message")
    func delimiterChangesRejected() throws {
        let error = try #require(parseError("{{=<% %>=}}"))
        #expect(error.description == "alert.html:1:1: delimiter changes (\"{{=\") are not supported")
    }

    @Test("a triple mustache closed with only two braces is rejected")
    func tripleMustacheNotClosed() throws {
        let error = try #require(parseError("a\n  {{{html}} rest"))
        #expect((error.line, error.column) == (2, 3))
        #expect(error.message.contains("}}}"))
        #expect(parseError("{{{html}}") != nil)
        #expect(parseError("{{{html") != nil)
    }

    @Test("Handlebars helpers are rejected rather than silently rendering nothing")
    func handlebarsHelpersRejected() throws {
        let error = try #require(parseError("{{#if penalty}}x{{/if}}"))
        #expect(error.message.contains("#if"))
        #expect(parseError("{{../name}}") != nil)
    }

    @Test("malformed dotted names are rejected", arguments: ["{{a..b}}", "{{.a}}", "{{a.}}", "{{..}}"])
    func malformedDottedNames(source: String) throws {
        #expect(parseError(source) != nil)
    }

    @Test("columns count characters, not bytes")
    func columnsCountCharacters() throws {
        let error = try #require(parseError("Grüße 🚨 {{>x}}"))
        #expect(error.column == 9)
    }

    @Test("the error name is the template name given at parse time")
    func errorUsesTemplateName() throws {
        let error = try #require(parseError("{{/x}}", name: "penalty.sms"))
        #expect(error.description.hasPrefix("penalty.sms:1:1: "))
        #expect(error.localizedDescription == error.description)
    }
}

@Suite("Variable names")
struct VariableNameTests {
    @Test("variableNames lists variables, sections and dotted names as written, without '.'")
    func listsReferencedNames() throws {
        let template = try Template(
            source: "{{a}}{{{b}}}{{&c}}{{#d}}{{e.f}}{{.}}{{/d}}{{^g}}{{/g}}{{! h }}{{#list}}{{.}}{{/list}}",
            name: "t.txt")
        #expect(template.variableNames == ["a", "b", "c", "d", "e.f", "g", "list"])
    }

    @Test("a template without tags references no names")
    func noNames() throws {
        #expect(try Template(source: "plain", name: "t.txt").variableNames.isEmpty)
    }
}

@Suite("Hostile input")
struct HostileInputTests {
    @Test("sections nested up to the limit parse and render")
    func nestingAtLimit() throws {
        let depth = Template.maxSectionDepth
        let source = String(repeating: "{{#a}}", count: depth) + "x" + String(repeating: "{{/a}}", count: depth)
        #expect(try render(source, ["a": true]) == "x")
    }

    @Test("sections nested beyond the limit are rejected with a parse error, not a crash")
    func deepNestingRejected() throws {
        let depth = 100_000
        let source = String(repeating: "{{#a}}\n", count: depth) + String(repeating: "{{/a}}\n", count: depth)
        let error = try #require(parseError(source))
        #expect(error.line == Template.maxSectionDepth + 1)
        #expect(error.message.contains("nested more than \(Template.maxSectionDepth)"))
    }

    @Test("many unclosed sections produce an error, not a crash")
    func manyUnclosedSections() throws {
        let source = String(repeating: "{{#a}}{{/a}}{{^b}}", count: 50)
        #expect(parseError(source) != nil)
        #expect(parseError(String(repeating: "{{/a}}", count: 10_000)) != nil)
    }

    @Test("large templates with many tags parse and render")
    func largeTemplate() throws {
        let source = String(repeating: "{{#rows}}{{n}};{{/rows}}\n", count: 20_000)
        let output = try render(source, ["rows": [["n": "1"], ["n": "2"]]])
        #expect(output.count == 20_000 * 5)
    }
}

@Suite("Realistic alert")
struct RealisticAlertTests {
    static let source = """
        {{! Threshold alert for one company }}
        Dear {{company.name}},

        The {{area}} threshold of {{threshold}} has been reached and is currently at {{value}}.
        {{#penalty}}
        A penalty of {{amount}} applies to customer {{company.id}}.
        {{/penalty}}
        {{^penalty}}
        No penalty applies.
        {{/penalty}}
        Affected destinations:
        {{#destinations}}
          - {{.}}
        {{/destinations}}
        """

    @Test("a realistic alert with a penalty renders exactly")
    func withPenalty() throws {
        let template = try Template(source: Self.source, name: "alert.txt")
        let context: TemplateValue = [
            "company": ["name": "Acme & Sons", "id": "1042"],
            "area": "ASR",
            "threshold": "40%",
            "value": "31%",
            "penalty": ["amount": "€50"],
            "destinations": ["UK Mobile", "DE Fixed"],
        ]
        #expect(template.render(context, escapeHTML: false) == """
            Dear Acme & Sons,

            The ASR threshold of 40% has been reached and is currently at 31%.
            A penalty of €50 applies to customer 1042.
            Affected destinations:
              - UK Mobile
              - DE Fixed

            """)
    }

    @Test("the same alert without a penalty, rendered as HTML, escapes values")
    func withoutPenaltyAsHTML() throws {
        let template = try Template(source: Self.source, name: "alert.html")
        let context: TemplateValue = [
            "company": ["name": "Acme & Sons", "id": "1042"],
            "area": "ACD",
            "threshold": "<60s",
            "value": "45s",
            "penalty": false,
            "destinations": [],
        ]
        #expect(template.render(context, escapeHTML: true) == """
            Dear Acme &amp; Sons,

            The ACD threshold of &lt;60s has been reached and is currently at 45s.
            No penalty applies.
            Affected destinations:

            """)
    }

    @Test("the alert's variable names can be checked before rendering")
    func alertVariableNames() throws {
        let template = try Template(source: Self.source, name: "alert.txt")
        #expect(template.variableNames == ["company.name", "company.id", "area", "threshold", "value", "penalty", "amount", "destinations"])
    }
}
