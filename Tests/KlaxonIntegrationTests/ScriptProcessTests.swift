import Foundation
import Testing
import KlaxonTestSupport
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// How a script alert's process is run (behaviour.md "Alerts and the state machine", §15): it ends the run's wait when
/// it ends itself, whatever it leaves behind, and sees nothing of Klaxon's but its
/// three standard descriptors.
@Suite struct ScriptProcessTests {
    func job(_ scratch: Scratch, timeout: String = "20s") throws -> Job {
        scratch.write("drop/b.csv", "id,name,credit\nC1,One,5\n")
        return try scratch.job("""
        { name: "scripted", state: "state", inputs: { balances: { path: "drop", settle: "0s" } },
          email: { url: "smtp://127.0.0.1:25", from: "noc@example.com" },
          alerts: [ { title: "Scripted", scope: { type: "customer" }, to: ["noc@example.com"], area: "script",
                      script: "check.sh", timeout: "\(timeout)" } ] }
        """)
    }

    func script(_ scratch: Scratch, _ body: String) {
        chmod(scratch.write("check.sh", body, age: 0), 0o755)
    }

    /// Runs the job's script alerts once on the committed state, timed.
    func runScripts(_ job: Job) throws -> (outcome: ScriptAlerts.Outcome, seconds: Double) {
        // A first run takes the balance snapshot, so the script has a company in its scope.
        _ = try Runner(job: job, options: RunOptions(now: at("2026-11-27T00:50:00Z"), deliverTo: job.stateDirectory + "/out")).run()
        let state = try StateStore(directory: job.stateDirectory).load()
        let started = Date()
        let outcome = ScriptAlerts(job: job, now: epoch("2026-11-27T01:00:00Z")).run(state: state)
        return (outcome, Date().timeIntervalSince(started))
    }

    /// Kills (by pid, one at a time) the processes whose pids a script wrote to `file`,
    /// and returns those that were still running `grace` seconds on.
    func killListed(_ scratch: Scratch, _ file: String, grace: Double = 0) -> [pid_t] {
        let pids = (scratch.read(file) ?? "").split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
        let until = Date().addingTimeInterval(grace)
        while Date() < until, pids.contains(where: isRunning) { usleep(50_000) }
        return pids.filter { pid in
            let alive = isRunning(pid)
            if alive { kill(pid, SIGKILL) }
            return alive
        }
    }

    /// Running, not a zombie waiting for a parent that does not reap (as PID 1 in a container may be).
    func isRunning(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return !status.contains("State:\tZ")
    }

    @Test func aScriptThatLeavesDaemonsBehindEndsAtOnceWithItsVerdict() throws {
        let scratch = Scratch()
        // One daemon with its stdio on /dev/null, one still holding the script's stdout and stderr.
        script(scratch, """
        #!/bin/sh
        setsid sleep 40 </dev/null >/dev/null 2>&1 &
        echo $! > daemons.pid
        setsid sleep 40 &
        echo $! >> daemons.pid
        echo '[{"company": "C1", "fire": true, "value": 7}]'
        """)
        let job = try job(scratch)
        let (outcome, seconds) = try runScripts(job)
        _ = killListed(scratch, "daemons.pid")
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        #expect(outcome.verdicts["Scripted"]?["C1"] == ScriptVerdict(fire: true, value: 7, message: nil))
        #expect(seconds < 3, "the run waited \(seconds)s for daemons the script left")
    }

    @Test func aScriptThatBackgroundsAChildAndExitsKeepsItsVerdictAndLosesTheChild() throws {
        let scratch = Scratch()
        script(scratch, """
        #!/bin/sh
        sleep 40 &
        echo $! > child.pid
        echo '[{"company": "C1", "fire": false, "value": 3}]'
        """)
        let job = try job(scratch, timeout: "10s")
        let (outcome, seconds) = try runScripts(job)
        #expect(outcome.verdicts["Scripted"]?["C1"] == ScriptVerdict(fire: false, value: 3, message: nil), "\(outcome.warnings)")
        #expect(seconds < 3, "the run waited \(seconds)s for a child the script left")
        #expect(killListed(scratch, "child.pid", grace: 2).isEmpty, "the child left in the script's process group outlived it")
    }

    @Test func aScriptSeesOnlyItsThreeStandardDescriptors() throws {
        let scratch = Scratch()
        // Left open without close-on-exec, as a library might: the script must not get it.
        let stray = open("/dev/null", O_RDONLY)
        defer { close(stray) }
        #expect(stray > 2)
        script(scratch, """
        #!/usr/bin/env python3
        import os
        def is_open(fd):
            try:
                os.fstat(fd)
                return True
            except OSError:
                return False
        seen = " ".join(str(fd) for fd in range(0, 1024) if is_open(fd))
        open("fds.txt", "w").write(seen)
        print("[]")
        """)
        let job = try job(scratch)
        let (outcome, _) = try runScripts(job)
        #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
        #expect(scratch.read("fds.txt") == "0 1 2")
    }

    @Test func aScriptsLongStandardErrorIsNotHeldInMemory() throws {
        let scratch = Scratch()
        // 300 MB on stderr, then a failure: only the end of it is shown.
        script(scratch, """
        #!/bin/sh
        head -c 300000000 /dev/zero | tr '\\0' 'x' >&2
        echo >&2
        echo 'the real reason' >&2
        exit 4
        """)
        _ = try job(scratch)
        let run = try KlaxonBinary.runMeasuringMemory(["run", scratch.url("job.json5"), "--now", "2026-11-27T01:00:00Z", "--quiet"],
                                                       output: scratch.url("run.log"))
        let log = scratch.read("run.log") ?? ""
        #expect(run.status == 2, "\(log)")
        #expect(log.contains("exited with status 4"))
        #expect(log.contains("the real reason"))
        #expect(run.maxResidentKiB < 120 * 1024, "peak \(run.maxResidentKiB / 1024) MiB for 300 MB of stderr")
    }

    @Test func aScriptThatFloodsStandardErrorIsStillKilledAtItsTimeout() throws {
        let scratch = Scratch()
        script(scratch, "#!/bin/sh\nyes 'noise' >&2\n")
        let job = try job(scratch, timeout: "1s")
        let (outcome, seconds) = try runScripts(job)
        #expect(outcome.warnings.first?.contains("did not finish within 1s") == true, "\(outcome.warnings)")
        #expect(outcome.warnings.first?.contains("stderr: noise | noise") == true)
        #expect(seconds < 3, "took \(seconds)s")
    }

    @Test func aScriptWithoutAHashBangLineIsRefusedWithWhatToDo() throws {
        let scratch = Scratch()
        script(scratch, "echo '[]'\n")
        _ = try? job(scratch)
        guard case .failure(let error) = JobLoader.load(scratch.url("job.json5")) else {
            Issue.record("a script without #! should make the job invalid")
            return
        }
        #expect(error.problems.map(\.description).contains {
            $0.contains("alert \"Scripted\": script:") && $0.contains("has no #! line") && $0.contains("#!/bin/sh")
        }, "\(error.problems)")
        #expect(ScriptAlerts.startsLikeAProgram("/bin/sh"), "a compiled program needs no #!")
    }
}
