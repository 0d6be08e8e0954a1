import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// Area `script` (behaviour.md "Alerts and the state machine"): the executable decides; Klaxon runs it safely and
/// keeps the state machine, templates and penalties as for any alert.
@Suite struct ScriptAlertTests {
    /// Writes an executable script next to the job file.
    func script(_ scratch: Scratch, _ name: String, _ body: String) {
        let path = scratch.write(name, body, age: 0)
        chmod(path, 0o755)
    }

    func job(_ scratch: Scratch, script: String = "\"check.sh\"", extra: String = "") throws -> Job {
        try scratch.job("""
        { name: "scripted", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com", password_env: "KLAXON_TEST_SMTP_PASSWORD" },
          alerts: [ { title: "Scripted", scope: { type: "customer" }, to: ["noc@example.com"], area: "script",
                      script: \(script), penalty: "1h"\(extra) } ] }
        """)
    }

    func run(_ job: Job, _ scratch: Scratch, now: String = "2026-11-27T01:00:00Z") throws -> RunReport {
        try Runner(job: job, options: RunOptions(now: at(now), deliverTo: scratch.url("out"))).run()
    }

    func decisions(_ report: RunReport) -> [String] {
        report.decisions.map { "\($0.company):\($0.decision.rawValue)" }.sorted()
    }

    @Test func theScriptsVerdictsDriveTheStateMachineTemplatesAndPenalties() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,credit\nC1,One,5\nC2,Two,50\nC3,Three,500\n")
        // Fires for companies under the credit named in the file "limit"; leaves C3 out.
        script(scratch, "check.sh", """
        #!/bin/sh
        limit=$(cat limit)
        cat > last-input.json
        python3 -c '
        import json, sys
        limit = float(sys.argv[1])
        data = json.load(open("last-input.json"))
        print(json.dumps([{"company": c["id"], "fire": c["credit"] < limit, "value": c["credit"], "message": "credit %s vs %s" % (c["credit"], limit)}
                          for c in data["companies"] if c["id"] != "C3"]))
        ' "$limit"
        """)
        scratch.write("limit", "10", age: 0)
        let job = try job(scratch)
        let first = try run(job, scratch)
        #expect(first.warnings.isEmpty, "\(first.warnings)")
        #expect(decisions(first) == ["C1:fired", "C3:missing"])
        #expect(first.penalties.map(\.company) == ["C1"])
        let mail = try #require(try FileManager.default.contentsOfDirectory(atPath: scratch.url("out")).first.flatMap { scratch.read("out/\($0)") })
        #expect(mail.contains("credit 5 vs 10.0"), "the script's message reaches the template")

        scratch.write("limit", "100", age: 0)
        let second = try run(job, scratch, now: "2026-11-27T02:00:00Z")
        #expect(decisions(second) == ["C2:fired", "C3:missing"], "C1 still fires: held, which a report leaves out")
        scratch.write("limit", "1", age: 0)
        let third = try run(job, scratch, now: "2026-11-27T03:00:00Z")
        #expect(decisions(third) == ["C1:reset", "C2:reset", "C3:missing"])
    }

    @Test func theInputCarriesNowTheJobTheAlertAndEachCompanyWithItsWindow() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,type,credit,debit_limit,currency,tags\nC1,One,customer,5,20,EUR,gold\nP1,Carrier,carrier,0,0,USD,\n")
        script(scratch, "check.sh", "#!/bin/sh\ncat > input.json\necho '[]'\n")
        let job = try job(scratch, script: "[\"check.sh\", \"--hours\", \"4\"]", extra: ", sample_period: \"1h\"")
        _ = try run(job, scratch)
        let data = try #require(scratch.read("input.json")).data(using: .utf8) ?? Data()
        let input = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(input["now"] as? String == "2026-11-27T01:00:00Z")
        #expect(input["job"] as? String == "scripted")
        let alert = try #require(input["alert"] as? [String: Any])
        #expect(alert["title"] as? String == "Scripted")
        #expect(alert["arguments"] as? [String] == ["--hours", "4"])
        let companies = try #require(input["companies"] as? [[String: Any]])
        #expect(companies.map { $0["id"] as? String } == ["C1"], "only the customers are in scope")
        let c1 = companies[0]
        #expect(c1["available_credit"] as? Double == 25)
        #expect(c1["currency"] as? String == "EUR")
        #expect(c1["tags"] as? [String] == ["gold"])
        #expect(c1["state"] as? String == "ok")
        let window = try #require(c1["window"] as? [String: Any])
        #expect(window["period"] as? String == "1h")
        #expect(window["attempts"] as? Int == 0)
        #expect(window["asr"] is NSNull, "no calls: no ratio, written as null")
    }

    /// Runs one failing script after a firing one and checks that the instance kept its state.
    func failure(_ body: String, extra: String = "", cap: Int? = nil) throws -> (warning: String, seconds: Double, scratch: Scratch) {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,credit\nC1,5\n")
        script(scratch, "check.sh", "#!/bin/sh\necho '[{\"company\": \"C1\", \"fire\": true, \"value\": 1}]'\n")
        let job = try job(scratch, extra: extra)
        #expect(decisions(try run(job, scratch)) == ["C1:fired"])
        script(scratch, "check.sh", body)
        let started = Date()
        var state = try StateStore(directory: job.stateDirectory).load()
        var alerts = ScriptAlerts(job: job, now: epoch("2026-11-27T02:00:00Z"))
        if let cap { alerts.outputCap = cap }
        let outcome = alerts.run(state: state)
        let seconds = Date().timeIntervalSince(started)
        #expect(outcome.verdicts["Scripted"] == nil)
        let evaluation = Evaluator(job: job, now: epoch("2026-11-27T02:00:00Z")).evaluate(&state, scriptObservations: outcome.verdicts)
        #expect(evaluation.decisions.map(\.decision) == [.missing])
        #expect(state.meta.instances[AlertInstance.key(alert: "Scripted", company: "C1")]?.status == .triggered, "the instance keeps its state")
        // A real run reports the same failure among its warnings.
        let report = try run(job, scratch, now: "2026-11-27T02:00:00Z")
        #expect(report.warnings.count == 1)
        #expect(report.exitCode == 2, "a run whose script alert failed says so in its exit code")
        return (outcome.warnings.joined(separator: "\n"), seconds, scratch)
    }

    @Test func aNonZeroExitIsReportedWithTheEndOfStderr() throws {
        let (warning, _, _) = try failure("#!/bin/sh\necho 'connecting to db' >&2\necho 'boom: database unreachable' >&2\necho '[]'\nexit 3\n")
        #expect(warning.contains("script alert \"Scripted\""))
        #expect(warning.contains("check.sh exited with status 3; its 1 instance keep their state"))
        #expect(warning.hasSuffix("stderr: connecting to db | boom: database unreachable"))
    }

    @Test func aScriptThatLostItsHashBangLineSaysWhatToDo() throws {
        let (warning, _, _) = try failure("echo '[]'\n")
        #expect(warning.contains("check.sh could not be started: the system cannot run it"), "\(warning)")
        #expect(warning.contains("add one as its first line, e.g. #!/bin/sh"))
        #expect(!warning.contains("NSCocoaErrorDomain"))
    }

    @Test func invalidJSONIsReportedAndNamesWhatIsWrong() throws {
        let (notJSON, _, _) = try failure("#!/bin/sh\necho 'fire everything'\necho 'about to print' >&2\n")
        #expect(notJSON.contains("printed invalid output: not JSON"))
        #expect(notJSON.contains("stderr: about to print"))
        let (badItem, _, _) = try failure("#!/bin/sh\necho '[{\"company\": \"C1\", \"fire\": true}, {\"company\": \"C1\", \"fire\": \"yes\"}]'\n")
        #expect(badItem.contains("item 1: fire: expected true or false"), "\(badItem)")
        let (missing, _, _) = try failure("#!/bin/sh\necho '[{\"fire\": true}]'\n")
        #expect(missing.contains("item 0: \"company\" is missing"), "\(missing)")
    }

    @Test func aScriptPastItsTimeoutIsKilledWithItsChildren() throws {
        let (warning, seconds, scratch) = try failure("#!/bin/sh\nsleep 60 &\necho $! > child.pid\necho 'waiting' >&2\nwait\n", extra: ", timeout: \"1s\"")
        #expect(warning.contains("did not finish within 1s and was killed with its process group"))
        #expect(warning.contains("stderr: waiting"))
        #expect(seconds < 10, "took \(seconds)s")
        let child = try #require(scratch.read("child.pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        var alive = kill(child, 0) == 0
        for _ in 0..<20 where alive {
            usleep(100_000)
            alive = kill(child, 0) == 0
        }
        #expect(!alive, "the script's background child \(child) outlived it")
    }

    @Test func outputPastTheCapIsRefused() throws {
        let (warning, seconds, _) = try failure("#!/bin/sh\nwhile true; do echo '[{\"company\": \"C1\", \"fire\": false}]'; done\n", cap: 4_096)
        #expect(warning.contains("printed more than 4096 bytes and was killed"))
        #expect(seconds < 10)
    }

    @Test func aScriptThatIsMissingOrNotExecutableIsAJobProblem() throws {
        let scratch = Scratch()
        scratch.write("plain.sh", "#!/bin/sh\necho '[]'\n", age: 0)
        scratch.write("job.json5", """
        { state: "state", email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [
            { title: "Missing", company: "C1", to: ["noc@example.com"], area: "script", script: "scripts/nowhere.py" },
            { title: "Plain", company: "C1", to: ["noc@example.com"], area: "script", script: "plain.sh", operator: ">", threshold: 3 },
            { title: "Timed", company: "C1", to: ["noc@example.com"], area: "balance", operator: "<", threshold: 3, timeout: "5s" },
          ] }
        """, age: 0)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("the job should be invalid")
            return
        }
        let problems = error.problems.map(\.description)
        #expect(problems.contains { $0.contains("alert \"Missing\": script: no such file \(scratch.url("scripts/nowhere.py"))") })
        #expect(problems.contains { $0.contains("alert \"Plain\": script:") && $0.contains("is not executable") })
        #expect(problems.contains { $0.contains("alert \"Plain\": operator: not used by a script alert") })
        #expect(problems.contains { $0.contains("alert \"Plain\": threshold: not used by a script alert") })
        #expect(problems.contains { $0.contains("alert \"Timed\": timeout: only a script alert has a timeout") })
    }

    @Test func aScriptDoesNotInheritTheJobsSecrets() throws {
        let scratch = Scratch()
        script(scratch, "check.sh", "#!/bin/sh\necho '[]'\n")
        let job = try job(scratch)
        let alerts = ScriptAlerts(job: job, now: 0)
        #expect(ProcessInfo.processInfo.environment["PATH"] != nil)
        #expect(alerts.environment["PATH"] == ProcessInfo.processInfo.environment["PATH"])
        setenv("KLAXON_TEST_SMTP_PASSWORD", "hunter2", 1)
        #expect(alerts.environment["KLAXON_TEST_SMTP_PASSWORD"] == nil)
    }

    @Test func theShippedCreditRunwayScriptFiresForTheCustomerAboutToRunDry() throws {
        let scratch = Scratch()
        scratch.write("drop/b.csv", "id,name,credit,debit_limit,currency\nC1,Rich,1000,0,USD\nC2,Dry,2,3,USD\nC3,Idle,1,0,USD\n")
        scratch.write("cdrs/c.csv", cdrHeader
            + (0..<30).map { "2026-11-27 00:\(String(format: "%02d", $0)):00,x\($0),C1,P1,44,60,200,,0.5,0.2\n" }.joined()
            + (0..<30).map { "2026-11-27 00:\(String(format: "%02d", $0)):30,y\($0),C2,P1,44,60,200,,0.1,0.05\n" }.joined())
        let job = try scratch.job("""
        { state: "state", inputs: { balances: { path: "drop", settle: "0s" }, cdrs: { path: "cdrs", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Credit Runway", scope: { type: "customer" }, to: ["noc@example.com"], area: "script",
                      script: ["\(Repository.path("jobs/scripts/credit-runway.py"))", "--hours", "4"], sample_period: "1h" } ] }
        """)
        let report = try run(job, scratch)
        #expect(report.warnings.isEmpty, "\(report.warnings)")
        // C1 spends 15/h with 1000 left (66.7 h); C2 3/h with 5 available (1.7 h); C3 spends nothing.
        let byCompany = Dictionary(uniqueKeysWithValues: report.decisions.map { ($0.company, $0) })
        #expect(byCompany["C2"]?.decision == .fired)
        #expect(byCompany["C2"]?.value == 1.7)
        // C1 (66.7 h) and C3 (no spend, credit left) are ok: not among the decisions a report lists.
        #expect(report.decisions.map(\.company) == ["C2"])
        #expect(report.alerts.first?.evaluated == 3)
    }
}
