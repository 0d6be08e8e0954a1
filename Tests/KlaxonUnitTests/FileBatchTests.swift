import Foundation
import Synchronization
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// `--deliver-to` makes a run's files durable with one sync, and the journal
/// says they were delivered only after it.
@Suite struct FileBatchTests {
    /// Counts the syncs and what the journal held when each began.
    final class SyncProbe: Sendable {
        let journal: String
        let fails: Bool
        let calls = Mutex<[Int]>([])
        init(journal: String, fails: Bool) {
            self.journal = journal
            self.fails = fails
        }
        var sync: @Sendable (Int32) -> Int32 {
            { [self] _ in
                let lines = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
                calls.withLock { $0.append(lines) }
                if fails { errno = EIO; return -1 }
                return 0
            }
        }
    }

    func items(_ count: Int) -> [OutboxItem] {
        (0..<count).map { n in
            switch n % 3 {
            case 0: return OutboxItem(id: "e\(n)", channel: .email, alert: "A", company: "C\(n)", kind: "fired", recipients: ["noc@example.com"],
                                      subject: "s\(n)", payload: "Subject: s\(n)\r\n\r\nbody \(n)\r\n", createdAt: 1_000, nextAttempt: 0)
            case 1: return OutboxItem(id: "s\(n)", channel: .sms, alert: "A", company: "C\(n)", kind: "fired", recipients: ["+15550100"],
                                      subject: nil, payload: #"{"to":"+15550100","body":"b\#(n)"}"#, createdAt: 1_000, nextAttempt: 0)
            default: return OutboxItem(id: "w\(n)", channel: .webhook, alert: "A", company: "C\(n)", kind: "penalty", recipients: [],
                                       subject: nil, payload: #"{"n":\#(n)}"#, createdAt: 1_000, nextAttempt: 0)
            }
        }
    }

    func deliver(_ outbox: inout [OutboxItem], to folder: String, probe: SyncProbe, journal: DeliveryJournal) -> ([Outbox.Outcome], [String]) {
        var warnings: [String] = []
        let outcomes = Outbox(settings: DeliverySettings(), journal: journal, penaltyLog: folder + "-penalties.log", now: 1_000)
            .deliver(&outbox, through: FileSink(directory: folder, sync: probe.sync), warnings: &warnings)
        return (outcomes, warnings)
    }

    func folderContents(_ path: String) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            out[name] = FileManager.default.contents(atPath: path + "/" + name)
        }
        return out
    }

    @Test func aRunSyncsOnceBeforeItsJournalAndWritesTheSameFilesAsOneByOne() throws {
        let scratch = Scratch()
        let journal = DeliveryJournal(path: scratch.url("delivery.journal"))
        let probe = SyncProbe(journal: journal.path, fails: false)
        let count = 3 * Outbox.journalBatch + 7
        var outbox = items(count)
        let (outcomes, warnings) = deliver(&outbox, to: scratch.url("sent"), probe: probe, journal: journal)

        #expect(warnings.isEmpty)
        #expect(outcomes.count == count && outcomes.allSatisfy { $0.result == .sent })
        #expect(outbox.isEmpty)
        #expect(probe.calls.withLock { $0 } == [0], "one sync, before anything was journaled")
        #expect(journal.entries() == items(count).map { .delivered(id: $0.id) })
        // Byte for byte what a file written on its own (fsync per file) holds, and no temporary left.
        for item in items(count) { try FileSink(directory: scratch.url("one-by-one")).deliver(item) }
        let batched = try folderContents(scratch.url("sent"))
        #expect(batched.count == count)
        #expect(batched == (try folderContents(scratch.url("one-by-one"))))
    }

    @Test func aFailedSyncJournalsNothingAsDeliveredAndRetriesEveryFile() throws {
        let scratch = Scratch()
        let journal = DeliveryJournal(path: scratch.url("delivery.journal"))
        let probe = SyncProbe(journal: journal.path, fails: true)
        let committed = items(10)
        var outbox = committed
        let (outcomes, warnings) = deliver(&outbox, to: scratch.url("sent"), probe: probe, journal: journal)

        #expect(warnings.isEmpty)
        #expect(probe.calls.withLock { $0 } == [0])
        #expect(outcomes.map(\.result) == Array(repeating: .failed, count: 10))
        let entries = journal.entries()
        #expect(entries.count == 10)
        #expect(!entries.contains { if case .delivered = $0 { true } else { false } })
        #expect(outbox.map(\.id) == committed.map(\.id) && outbox.allSatisfy { $0.attempts == 1 && $0.nextAttempt > 1_000 })
        let lines = DeliveryProblems.lines(outcomes)
        #expect(lines.count == 10)
        #expect(lines.allSatisfy { $0.hasPrefix("delivery failed (attempt 1") && $0.contains("cannot sync the folder") && $0.contains(strerror(EIO).map { String(cString: $0) } ?? "") })
        // Neither a message nor a temporary is left in the folder: the next attempt writes them all again.
        #expect(try folderContents(scratch.url("sent")).isEmpty)

        // The next run, with a disk that syncs again, delivers them under the same names.
        var reloaded = committed
        journal.apply(to: &reloaded)
        let next = Outbox(settings: DeliverySettings(), journal: journal, penaltyLog: scratch.url("p.log"), now: 2_000)
        var later: [String] = []
        let retried = next.deliver(&reloaded, through: FileSink(directory: scratch.url("sent"), sync: SyncProbe(journal: journal.path, fails: false).sync), warnings: &later)
        #expect(retried.allSatisfy { $0.result == .sent } && reloaded.isEmpty)
        #expect(try folderContents(scratch.url("sent")).count == 10)
    }

    @Test func aFileThatFailsAtItsRenameKeepsItsPlaceInTheOutbox() throws {
        let scratch = Scratch()
        let folder = scratch.url("out")
        // A folder where e1's file must go: its rename fails when the batch settles.
        try FileManager.default.createDirectory(atPath: folder + "/e1.eml", withIntermediateDirectories: true)
        let journalPath = scratch.url("delivery.journal")
        let probe = SyncProbe(journal: journalPath, fails: false)
        func email(_ id: String, due: Int64) -> OutboxItem {
            OutboxItem(id: id, channel: .email, alert: "A", company: "C", kind: "fired", recipients: ["noc@example.com"],
                       subject: id, payload: "Subject: \(id)\r\n\r\nbody\r\n", createdAt: 1_000, nextAttempt: due)
        }
        var outbox = [email("w0", due: 5_000), email("e1", due: 0), email("w2", due: 5_000), email("e3", due: 0)]
        let (outcomes, _) = deliver(&outbox, to: folder, probe: probe, journal: DeliveryJournal(path: journalPath))

        #expect(outcomes.map(\.result) == [.waiting, .failed, .waiting, .sent])
        #expect(outbox.map(\.id) == ["w0", "e1", "w2"], "a later message of the same instance must not overtake it")
    }

    @Test func aTemporaryOfAKilledRunIsRemovedAndAnotherProgramsFileKept() throws {
        let scratch = Scratch()
        // A PID that cannot be alive: above the kernel's pid_max.
        scratch.write("sent/e0.eml.klaxon-tmp-99999999", "half")
        scratch.write("sent/notes.tmp-12", "someone else's")
        let journal = DeliveryJournal(path: scratch.url("delivery.journal"))
        var outbox = items(1)
        _ = deliver(&outbox, to: scratch.url("sent"), probe: SyncProbe(journal: journal.path, fails: false), journal: journal)
        #expect(Set(try folderContents(scratch.url("sent")).keys) == ["e0.eml", "notes.tmp-12"])
    }

    @Test func aFailedRunIsExitTwoWithALineForEachFile() throws {
        let scratch = Scratch()
        scratch.write("drop/balances/b-1.csv", "id,name,type,credit\nC1,Acme,customer,5\nC2,Beta,customer,1\nP1,Carrier,carrier,0\n")
        let job = try scratch.job("""
        { name: "j", state: "state",
          inputs: { balances: { path: "drop/balances", settle: "0s" }, cdrs: { path: "drop/cdrs", settle: "0s" } },
          email: { url: "smtp://h:25", from: "noc@example.com" },
          alerts: [ { title: "Low Balance", scope: { type: "customer" }, to: ["noc@example.com"], area: "balance", operator: "<", threshold: 10 } ] }
        """)
        let probe = SyncProbe(journal: scratch.url("state/delivery.journal"), fails: true)
        let report = try Runner(job: job, options: RunOptions(now: at("2026-11-27T01:00:00Z")),
                                sink: FileSink(directory: scratch.url("sent"), sync: probe.sync)).run()
        #expect(report.exitCode == 2)
        let lines = DeliveryProblems.lines(report.notifications)
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("cannot sync the folder") }, "\(lines)")
        #expect(probe.calls.withLock { $0.count } == 1)
    }
}
