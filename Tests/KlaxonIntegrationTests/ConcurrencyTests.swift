import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "A run": two runs of one job started together: one works, the other exits 75
/// at once and changes nothing.
@Suite("Concurrent runs", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct ConcurrencyTests {
    @Test func aRunStartedWhileAnotherIsSendingExits75AndChangesNothing() throws {
        let port = try unusedLoopbackPort()
        // A server that never greets holds the first run inside its send, after its commit.
        let silent = try LocalSMTPServer(.init(silent: true, port: port))
        let rig = try ScratchJob(emailURL: "smtp://127.0.0.1:\(port)", timeouts: #"connect_timeout: "20s", timeout: "20s""#)
        let first = try KlaxonBinary.start(["run", rig.job, "--now", rig.first])
        #expect(silent.waitForConnections(), "the first run reached the server")
        #expect(first.isRunning, "the first run is still sending")
        let before = try rig.stateTree()

        rig.scratch.write("drop/cdrs/c-2.csv", cdrHeader + "2026-11-27 00:55:00,y,C1,P1,1,10,200,,0,0\n")
        let started = Date()
        let second = try rig.klaxon(["run", rig.job, "--now", rig.next])
        #expect(second.status == 75)
        #expect(Date().timeIntervalSince(started) < 5, "the second run exits at once")
        #expect(second.stderr.contains("another run of this job holds the lock"), "\(second.stderr)")
        #expect(second.stdout.isEmpty)
        #expect(try rig.stateTree() == before, "the second run changed the state folder")

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        withExtendedLifetime(silent) {}
    }

    @Test func ofTwoRunsStartedTogetherOneWorksAndTheOtherExits75() throws {
        let rig = try ScratchJob(emailURL: nil)
        let rounds = 6
        var outcomes: [[Int32]] = []
        for round in 0..<rounds {
            // Fifty thousand calls: a run far longer than the few milliseconds between the two starts.
            var calls = cdrHeader
            for i in 0..<50_000 { calls += "2026-11-27 0\(round):\(String(format: "%02d", i % 60)):00,r\(round)-\(i),C1,P1,1,10,200,,0,0\n" }
            rig.scratch.write("drop/cdrs/r-\(round).csv", calls)
            let now = "2026-11-27T0\(round + 1):00:00Z"
            let a = try KlaxonBinary.start(["run", rig.job, "--now", now, "--deliver-to", rig.scratch.url("sent")])
            let b = try KlaxonBinary.start(["run", rig.job, "--now", now, "--deliver-to", rig.scratch.url("sent")])
            a.waitUntilExit()
            b.waitUntilExit()
            outcomes.append([a.terminationStatus, b.terminationStatus].sorted())
        }
        for (round, statuses) in outcomes.enumerated() {
            #expect(statuses.contains(75) && statuses.filter { $0 != 75 }.count == 1, "round \(round): exit statuses \(statuses)")
        }
        let state = try rig.committed()
        let reports = try FileManager.default.contentsOfDirectory(atPath: rig.stateFolder + "/reports").count
        #expect(reports == rounds, "one report per round: only one run of each pair ran")
        for round in 0..<rounds {
            #expect(state.meta.ledger.entries["cdrs/r-\(round).csv"]?.outcome == .taken)
        }
        let last = state.total("C1", from: "2026-11-27T0\(rounds - 1):00:00Z", to: "2026-11-27T0\(rounds):00:00Z").attempts
        #expect(last == 50_000, "the last file counted once")
    }
}
