import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Feed health and live files", append mode: a writer process appends Asterisk `Master.csv` lines in
/// chunks that cut lines in two, while runs of the built `klaxon run` are started and
/// killed with SIGKILL at random instants (the writer is Tests/Support/cdr_appender.py). After every run, killed or not, the
/// committed offset and the counted calls agree (the calls counted are the lines
/// before the offset); after the writer stops and a clean run, every line written
/// is counted once: none twice, none skipped.
///
/// `KLAXON_APPEND_KILLS` sets the number of kills (default 40); `KLAXON_KILL_LOOP_SEED` the seed.
@Suite("Append mode: runs killed while the switch appends", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct AppendKillTests {
    static let lines = 3_000
    static let customers = ["C1", "C2", "C3", "C4"]

    @Test func everyLineAppendedIsCountedOnceAcrossKills() throws {
        let environment = ProcessInfo.processInfo.environment
        let target = environment["KLAXON_APPEND_KILLS"].flatMap(Int.init) ?? 40
        let seed = environment["KLAXON_KILL_LOOP_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
        var random = SplitMix64(seed: seed)
        let scratch = Scratch()
        let master = scratch.url("drop/Master.csv")
        try FileManager.default.createDirectory(atPath: scratch.url("drop"), withIntermediateDirectories: true)
        scratch.write("job.json5", """
        { name: "append-kills", state: "state", interval: "1m",
          inputs: { cdrs: { path: "drop", pattern: "Master.csv", format: "asterisk", mode: "append" } },
          alerts: [ { title: "Quiet", scope: { type: "customer" }, to: [], area: "attempts", operator: "<", threshold: 0, sample_period: "1d" } ] }
        """, age: 0)
        let store = StateStore(directory: scratch.url("state"))

        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: try #require(TestPython.executable))
        writer.arguments = [TestPython.scriptsDirectory.appendingPathComponent("cdr_appender.py").path, master, String(Self.lines), String(seed % 1_000_000)]
        try writer.run()
        defer { if writer.isRunning { kill(writer.processIdentifier, SIGKILL) } }

        var kills = 0, runs = 0
        var typicalMicroseconds = 100_000.0
        while writer.isRunning || kills < target {
            guard runs < target * 6 else { break }
            let now = ValueFormatter.timestamp(epoch("2026-11-27T02:00:00Z") + Int64(runs) * 60)
            let began = Date()
            let process = try KlaxonBinary.start(["run", scratch.url("job.json5"), "--now", now, "--quiet"], output: scratch.url("run.log"))
            if runs % 3 != 2 {
                usleep(UInt32(Double(random.next() % 1_000) / 1_000 * typicalMicroseconds))
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
            runs += 1
            if process.terminationReason == .uncaughtSignal {
                kills += 1
            } else {
                #expect(process.terminationStatus == 0, "run \(runs) exited \(process.terminationStatus): \(scratch.read("run.log") ?? "")")
                typicalMicroseconds = 0.5 * typicalMicroseconds + 0.5 * Date().timeIntervalSince(began) * 1_000_000
            }
            try checkOffsetAgreesWithCounts(try store.load(), file: master, run: runs)
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0, "the writer failed")
        #expect(kills >= target / 2, "only \(kills) of \(runs) runs were killed")

        let last = try KlaxonBinary.run(["run", scratch.url("job.json5"), "--now", "2026-11-27T23:00:00Z"])
        #expect(last.status == 0, "the final run: \(last.stderr)")
        let state = try store.load()
        let size = try #require(FileManager.default.attributesOfItem(atPath: master)[.size] as? Int)
        #expect(state.meta.ledger.entries["cdrs/Master.csv"]?.offset == Int64(size), "the final run did not read to the end")
        #expect(state.meta.ledger.entries["cdrs/Master.csv"]?.lines == Self.lines)
        for (i, customer) in Self.customers.enumerated() {
            let written = (0..<Self.lines).filter { $0 % 4 == i }.count
            let counted = Int(state.buckets[customer]?.total(from: 0, to: .max).attempts ?? 0)
            #expect(counted == written, "\(customer): \(counted) calls counted, \(written) lines written (seed \(seed))")
            let connected = Int(state.buckets[customer]?.total(from: 0, to: .max).connected ?? 0)
            #expect(connected == (0..<Self.lines).filter { $0 % 4 == i && $0 % 3 == 0 }.count, "\(customer): connected calls (seed \(seed))")
        }
        print("append kill loop (seed \(seed)): \(kills) kills in \(runs) runs")
    }

    /// The calls in the buckets are exactly the lines before the committed offset.
    func checkOffsetAgreesWithCounts(_ state: KlaxonState, file: String, run: Int) throws {
        let counted = Self.customers.reduce(0) { $0 + Int(state.buckets[$1]?.total(from: 0, to: .max).attempts ?? 0) }
        guard let entry = state.meta.ledger.entries["cdrs/Master.csv"], let offset = entry.offset else {
            #expect(counted == 0, "after run \(run), \(counted) calls counted with no offset committed")
            return
        }
        let bytes = try #require(FileManager.default.contents(atPath: file))
        let before = bytes.prefix(Int(offset))
        #expect(before.last == 0x0A, "after run \(run) the offset \(offset) is not at a line end")
        let lines = before.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        #expect(counted == lines, "after run \(run) the buckets hold \(counted) calls but \(lines) lines lie before the offset")
        #expect(entry.lines == lines)
    }
}
