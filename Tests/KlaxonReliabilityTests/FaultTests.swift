import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// behaviour.md "Notifications" and §10 under faults, through the built `klaxon`: an SMTP server that
/// refuses, stalls or hangs up mid-message, and a disk that fills up while the
/// state is written. Nothing decided is lost, nothing is counted twice, and a
/// failed message is retried on the backoff behaviour.md "Notifications" sets, then given up on.
/// (An SMS endpoint answering 500 then 200, and an SMTP server down for a run,
/// are in DeliveryTests.)
@Suite("Faults", .serialized, .enabled(if: TestPython.isAvailable, "python3 is not installed"))
struct FaultTests {
    struct SMTPFault: CustomTestStringConvertible, Sendable {
        var name: String
        var options: LocalSMTPServer.Options
        /// In the item's recorded error.
        var error: String
        var testDescription: String { name }
    }

    static let smtpFaults: [SMTPFault] = [
        SMTPFault(name: "a temporary refusal (451) at the end of the message",
                  options: .init(refuseData: "451 4.3.0 Mailbox busy, try again later"), error: "451 4.3.0 Mailbox busy"),
        SMTPFault(name: "a permanent refusal (554) at the end of the message",
                  options: .init(refuseData: "554 5.7.1 Message rejected as spam"), error: "554 5.7.1 Message rejected"),
        SMTPFault(name: "a server that takes the message and never answers",
                  options: .init(stallData: true), error: "did not answer in time"),
        SMTPFault(name: "a server that closes the connection mid-message",
                  options: .init(closeMidData: true), error: "connection broke"),
        SMTPFault(name: "a server that accepts the connection and never greets",
                  options: .init(silent: true), error: "did not answer in time"),
    ]

    @Test(arguments: smtpFaults)
    func aMessageTheServerFailsIsRetriedAfterTheBackoffAndDeliveredOnce(_ fault: SMTPFault) throws {
        let port = try unusedLoopbackPort()
        var options = fault.options
        options.port = port
        var bad: LocalSMTPServer? = try LocalSMTPServer(options)
        let rig = try ScratchJob(emailURL: "smtp://127.0.0.1:\(port)", timeouts: #"connect_timeout: "1s", timeout: "2s""#,
                                 delivery: #"retry_backoff: "10m""#)
        let failed = try rig.klaxon(["run", rig.job, "--now", "2026-11-27T01:00:00Z"])
        #expect(failed.status == 2)
        let item = try #require(try rig.committed().meta.outbox.first)
        #expect(item.attempts == 1)
        #expect(item.nextAttempt == epoch("2026-11-27T01:10:00Z"), "the first retry waits retry_backoff")
        #expect(item.lastError?.contains(fault.error) == true, "\(item.lastError ?? "no error")")
        #expect(failed.stdout.contains(fault.error), "the summary names the server's failure: \(failed.stdout)")

        let early = try rig.klaxon(["run", rig.job, "--now", "2026-11-27T01:05:00Z"])
        #expect(early.status == 2)
        #expect(try rig.committed().meta.outbox.first?.attempts == 1, "not retried before its backoff")

        bad?.stop()
        bad = nil
        let good = try LocalSMTPServer(.init(port: port))
        let retried = try rig.klaxon(["run", rig.job, "--now", "2026-11-27T01:11:00Z"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(try rig.committed().meta.outbox.isEmpty)
        _ = try rig.klaxon(["run", rig.job, "--now", "2026-11-27T02:00:00Z"])
        let received = try good.received()
        #expect(received.count == 1, "delivered once, not once per run")
        #expect(received.first.map { String(decoding: $0.data, as: UTF8.self).contains("Message-ID: <klaxon.\(item.id)@acme.example>") } == true,
                "the message that arrives is the one decided in the first run")
    }

    @Test func aMessageRefusedUntilGiveUpAfterIsDeadReportedAndNoLongerTried() throws {
        let port = try unusedLoopbackPort()
        let server = try LocalSMTPServer(.init(refuseData: "554 5.7.1 Rejected", port: port))
        let rig = try ScratchJob(emailURL: "smtp://127.0.0.1:\(port)", delivery: #"retry_backoff: "10m", give_up_after: "30m""#)
        var attempts: [Int] = []
        var next: [Int64] = []
        for now in ["01:00", "01:10", "01:20", "01:30", "02:30"] {
            let result = try rig.klaxon(["run", rig.job, "--now", "2026-11-27T\(now):00Z", "--quiet"])
            #expect(result.status == 2)
            let item = try #require(try rig.committed().meta.outbox.first)
            attempts.append(item.attempts)
            next.append(item.nextAttempt - epoch("2026-11-27T01:00:00Z"))
        }
        // Tried at 01:00 (next in 10m), 01:10 (next in 20m more), waiting at 01:20, tried and
        // given up at 01:30 (30m after it was decided), and never tried again.
        #expect(attempts == [1, 2, 2, 3, 3])
        #expect(next.prefix(3) == [600, 1_800, 1_800])
        #expect(try rig.committed().meta.outbox.first?.dead == true)
        let status = try rig.klaxon(["status", rig.job])
        #expect(status.stdout.contains("1 dead"), "\(status.stdout)")
        withExtendedLifetime(server) {}
    }

    @Test func aDeliveryThatCannotBeRecordedIsWarnedAboutAndSentAgainNotLost() throws {
        let rig = try ScratchJob()
        try FileManager.default.createDirectory(atPath: rig.scratch.url("state/delivery.journal"), withIntermediateDirectories: true)
        let sent = rig.scratch.url("sent")
        let first = try rig.klaxon(["run", rig.job, "--now", rig.first, "--deliver-to", sent])
        // The e-mail and the penalty log line were both delivered; neither could be recorded.
        #expect(first.stderr.contains("2 delivery outcome(s) could not be recorded"), "\(first.stderr)")
        #expect(try rig.committed().meta.outbox.count == 2, "delivered but unrecorded: still pending")
        try FileManager.default.removeItem(atPath: rig.scratch.url("state/delivery.journal"))
        try FileManager.default.removeItem(atPath: sent)
        let second = try rig.klaxon(["run", rig.job, "--now", rig.next, "--deliver-to", sent])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sent).filter { $0.hasSuffix(".eml") }.count == 1)
        #expect(try rig.committed().meta.outbox.isEmpty)
    }

    // MARK: A full disk

    @Test func aDiskFullWhileTheStateIsWrittenLeavesTheOldStateAndLosesNothing() throws {
        let rig = try ScratchJob(state: "small/state")
        let disk = try SmallDisk(rig.scratch.url("small"), bytes: 1 << 20)
        defer { disk.unmount() }
        let sent = rig.scratch.url("sent")
        let baseline = try disk.run(["run", rig.job, "--now", rig.first, "--deliver-to", sent])
        #expect(baseline.status == 0, "\(baseline.output)")
        let before = try rig.stateTree()
        let mailsBefore = try FileManager.default.contentsOfDirectory(atPath: sent)

        // An hour of calls for 40 companies: the next state is larger than the room left.
        var calls = cdrHeader
        for minute in 0..<60 {
            for c in 1...40 { calls += String(format: "2026-11-27 01:%02d:00,k%d-%d,C%d,P1,1,0,503,,0,0\n", minute, minute, c, c) }
        }
        rig.scratch.write("drop/cdrs/c-2.csv", calls)
        rig.scratch.write("drop/balances/b-2.csv", "id,name,type,credit,email\n" + (1...40).map { "C\($0),Co \($0),customer,5,billing@c\($0).example\n" }.joined() + "P1,Carrier,carrier,0,\n")
        try disk.fill(leaving: before.values.reduce(0) { $0 + $1.count } + 512)

        let full = try disk.run(["run", rig.job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", sent])
        #expect(full.status == 3, "\(full.output)")
        #expect(full.output.contains("the state could not be committed: cannot write"), "\(full.output)")
        #expect(full.output.contains(disk.errorText), "\(full.output)")
        #expect(full.output.contains("the previous state is intact"))
        #expect(try rig.stateTree() == before, "the state folder changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sent) == mailsBefore, "nothing decided by the failed run was sent")

        disk.free()
        let after = try disk.run(["run", rig.job, "--now", "2026-11-27T02:00:00Z", "--deliver-to", sent])
        #expect(after.status == 0, "\(after.output)")
        let state = try rig.committed()
        #expect(state.meta.ledger.entries["cdrs/c-2.csv"]?.outcome == .taken, "the file the failed run read is taken by the next")
        #expect(state.total("C7", from: "2026-11-27T01:00:00Z", to: "2026-11-27T02:00:00Z").attempts == 60, "counted once")
        #expect(try FileManager.default.contentsOfDirectory(atPath: sent).count == mailsBefore.count + 39, "the 39 new firings are sent")
        print("disk full: \(disk.method)")
    }
}

/// A folder with little room for the state. As root (as on the project's machine) it is
/// a tmpfs mounted for the test, and a full one answers ENOSPC. Where mounting is not
/// permitted, runs go through `sh` with SIGXFSZ ignored and RLIMIT_FSIZE set, so a write
/// past the limit fails with EFBIG instead: the same failure path, named differently.
final class SmallDisk {
    let path: String
    let mounted: Bool
    private var limit: Int?

    init(_ path: String, bytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let forced = ProcessInfo.processInfo.environment["KLAXON_TEST_NO_TMPFS"] != nil
        mounted = !forced && getuid() == 0
            && TestPython.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes),mode=0700", "klaxon-test", path]).status == 0
    }

    deinit { unmount() }

    func unmount() {
        if mounted { _ = TestPython.run("/bin/umount", [path]) }
    }

    var method: String { mounted ? "a tmpfs filled to the last bytes (ENOSPC)" : "RLIMIT_FSIZE (EFBIG); mounting a tmpfs is not permitted here" }
    var errorText: String { mounted ? "No space left on device" : "File too large" }

    /// Leaves `room` bytes free: a filler file on the tmpfs, or a file-size limit just above `room`.
    func fill(leaving room: Int) throws {
        guard mounted else {
            limit = room
            return
        }
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw TestSupportError("cannot create the filler") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xAA, count: 4_096)
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        // Give back `room`, rounded up to whole pages, so the old state could be rewritten but not a bigger one.
        let size = lseek(fd, 0, SEEK_END)
        _ = ftruncate(fd, max(0, size - off_t((room + 4_095) / 4_096 * 4_096)))
    }

    func free() {
        limit = nil
        unlink(path + "/filler")
    }

    /// Runs `klaxon`; stdout and stderr together.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let limit else {
            let result = try KlaxonBinary.run(arguments)
            return (result.status, result.stdout + result.stderr)
        }
        // dash's `ulimit -f` counts 512-byte blocks.
        let script = "trap '' XFSZ; ulimit -f \(max(1, limit / 512)); exec \"$0\" \"$@\""
        let result = TestPython.run("/bin/sh", ["-c", script, KlaxonBinary.path] + arguments)
        return (result.status, result.output)
    }
}
