import Foundation
import Testing
@testable import KlaxonCore

/// A job over both inputs with one alert for C1's low balance, e-mailed to its contact.
/// By default the SMTP port is closed and the backoff long, so after `baseline()` the
/// e-mail stays pending: there is an outbox for hostile input to disturb.
final class ScratchJob {
    let scratch = Scratch()
    var job: String { scratch.url("job.json5") }
    let stateFolder: String
    let first = "2026-11-27T01:00:00Z"
    let next = "2026-11-27T01:10:00Z"

    init(emailURL: String? = nil, timeouts: String = #"connect_timeout: "2s", timeout: "10s""#,
         delivery: String = #"retry_backoff: "6h""#, state: String = "state") throws {
        let url = try emailURL ?? "smtp://127.0.0.1:\(unusedLoopbackPort())"
        stateFolder = scratch.url(state)
        scratch.write("drop/balances/b-1.csv", "id,name,type,credit,email\nC1,Acme,customer,5,billing@c1.example\nC2,Beta,customer,50,\nP1,Carrier,carrier,0,\n")
        scratch.write("drop/cdrs/c-1.csv", cdrHeader + "2026-11-27 00:50:00,x,C1,P1,1,10,200,,0,0\n")
        scratch.write("templates/alert.subject", "{{title}}: {{name}} ({{company.id}})")
        scratch.write("templates/alert.txt", "{{title}} for {{name}} is {{value}}.\n")
        scratch.write("job.json5", """
        { name: "hostile", state: "\(state)", templates: "templates",
          inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
          email: { url: "\(url)", starttls: "off", from: "noc@acme.example", \(timeouts) },
          penalties: { file: "out/penalties.csv" },
          delivery: { \(delivery) },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["contacts"], area: "balance", operator: "<", threshold: 10, penalty: "1h" } ] }
        """, age: 0)
    }

    /// The first run: the snapshot and CDRs taken, the alert fired, its e-mail pending.
    func baseline() throws {
        let result = try klaxon(["run", job, "--now", first, "--quiet"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(try committed().meta.outbox.map(\.channel) == [.email])
    }

    func klaxon(_ arguments: [String]) throws -> KlaxonBinary.Output {
        try KlaxonBinary.run(arguments)
    }

    func editJob(_ change: (String) -> String) throws {
        let text = try #require(scratch.read("job.json5"))
        let changed = change(text)
        #expect(changed != text, "the job edit matched nothing")
        scratch.write("job.json5", changed, age: 0)
    }

    func committed() throws -> KlaxonState { try StateStore(directory: stateFolder).loadCurrent() }

    /// Every file under the state folder, by relative path, with its bytes.
    func stateTree() throws -> [String: Data] {
        let root = stateFolder
        var tree: [String: Data] = [:]
        guard let walk = FileManager.default.enumerator(atPath: root) else { return [:] }
        for case let relative as String in walk {
            var isFolder: ObjCBool = false
            let path = root + "/" + relative
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                tree[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
            }
        }
        return tree
    }
}
