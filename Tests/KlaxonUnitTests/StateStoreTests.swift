import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct StateStoreTests {
    func sampleState() -> KlaxonState {
        var state = KlaxonState()
        state.meta.lastRun = 1_800_000_000
        state.meta.instances["A\u{1F}C1"] = AlertInstance(alert: "A", company: "C1")
        var b = MinuteBucket(minute: 29_000_000)
        b.attempts = 3; b.connected = 2; b.talkSeconds = 185; b.customerCharge = -12_345
        state.buckets["C1"] = CompanyBuckets(buckets: [b, MinuteBucket(minute: 29_000_005)])
        return state
    }

    @Test func aSavedStateLoadsBackIdentical() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        try store.save(sampleState())
        #expect(try store.load() == sampleState())
    }

    @Test func stateFilesAreCreated0600AndThePreviousVersionIsKeptAsBackup() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        var first = sampleState()
        try store.save(first)
        first.meta.lastRun = 1
        try store.save(first)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.stateFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let backup = try StateFile.decode(Array(try #require(FileManager.default.contents(atPath: store.backupFile))))
        #expect(backup.meta.lastRun == 1_800_000_000)
    }

    @Test func aCorruptStateStopsWithAClearMessageAndIsNotReplaced() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        try store.save(sampleState())
        var bytes = Array(try #require(FileManager.default.contents(atPath: store.stateFile)))
        bytes[bytes.count / 2] ^= 0xFF
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(bytes))
        #expect {
            _ = try store.load()
        } throws: { error in
            let e = error as? KlaxonError
            return e?.kind == .state && (e?.message.contains("is corrupt") ?? false) && (e?.message.contains("state.bak") ?? false)
        }
        #expect(Array(FileManager.default.contents(atPath: store.stateFile) ?? Data()) == bytes, "the corrupt file must be left for inspection")
    }

    @Test func aTruncatedStateIsCorruptNotEmpty() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        try store.save(sampleState())
        let bytes = try #require(FileManager.default.contents(atPath: store.stateFile))
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: bytes.prefix(bytes.count - 20))
        #expect(throws: KlaxonError.self) { _ = try store.load() }
    }

    @Test func aStateFromANewerVersionIsRefusedByName() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        var bytes = StateFile.magic
        bytes.append(UInt8(KlaxonState.formatVersion + 1))
        bytes += Array(repeating: 0, count: 40)
        try AtomicFile.createFolder(store.directory)
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(bytes))
        #expect {
            _ = try store.load()
        } throws: { error in
            (error as? KlaxonError)?.message.contains("newer Klaxon") ?? false
        }
    }

    /// The formats before format 4 were never released: refused by number
    /// with what to do, like a newer one, never half-read.
    @Test func aStateInAnEarlierFormatIsRefusedWithWhatToDo() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        try store.save(sampleState())
        var bytes = try #require(FileManager.default.contents(atPath: store.stateFile)).map { $0 }
        bytes[StateFile.magic.count] = UInt8(StateFile.oldestReadableVersion - 1)
        // A valid checksum, so that only the format number is wrong.
        bytes.removeLast(8)
        var tail = BinaryWriter()
        tail.fixed64(StateFile.xxh64(bytes, count: bytes.count))
        bytes += tail.bytes
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(bytes))
        #expect {
            _ = try store.load()
        } throws: { error in
            let message = (error as? KlaxonError)?.message ?? ""
            return message.contains("state format \(StateFile.oldestReadableVersion - 1)") && message.contains("Move the state folder aside")
        }
    }

    @Test func aSecondRunCannotTakeTheLockWhileTheFirstHoldsIt() throws {
        let scratch = Scratch()
        let first = try RunLock(stateDirectory: scratch.path)
        #expect {
            _ = try RunLock(stateDirectory: scratch.path)
        } throws: { error in
            (error as? KlaxonError)?.kind == .locked
        }
        withExtendedLifetime(first) {}
    }
}

@Suite struct StateFileTablesTests {
    @Test func everyStoredFieldIsInTheBinaryTables() {
        // StateFile+Tables.swift writes these types field by field: a new field
        // must be added there (and the format version raised) before this passes.
        #expect(Mirror(reflecting: Company(id: "x")).children.count == 10)
        #expect(Mirror(reflecting: CompanyRecord(company: Company(id: "x"), inSnapshot: true, lastSeen: 0)).children.count == 3)
        #expect(Mirror(reflecting: AlertInstance(alert: "a", company: "x")).children.count == 6)
        #expect(Mirror(reflecting: FailureStreak()).children.count == 2)
        // StateFile+Outbox.swift likewise.
        #expect(Mirror(reflecting: OutboxItem(id: "i", channel: .email, alert: nil, company: nil, kind: "k", recipients: [], subject: nil,
                                              payload: "", createdAt: 0, nextAttempt: 0, lastError: nil)).children.count == 14)
        #expect(Mirror(reflecting: OutboxItem.Digest(events: 0, companies: [], smsLeftOut: 0)).children.count == 3)
    }

    @Test func theOutboxRoundTripsWithEveryFieldSetAndUnset() throws {
        var state = KlaxonState()
        var full = OutboxItem(id: "8d7d899a843d27b4", channel: .sms, alert: "Low ASR", company: "C1", kind: "fired",
                              recipients: ["+15550100", "+15550101"], subject: "Low ASR — Café Olé",
                              payload: "{\"to\":\"+15550100\",\"text\":\"ASR 27.5 %\"}\r\n", createdAt: 1_800_000_000, attempts: 3,
                              nextAttempt: 1_800_000_600, lastError: "421 try later")
        full.dead = true
        full.digest = OutboxItem.Digest(events: 4, companies: ["C1", "C2"], smsLeftOut: 1)
        let bare = OutboxItem(id: "0", channel: .penaltyLog, alert: nil, company: nil, kind: "", recipients: [], subject: nil,
                              payload: "", createdAt: -1, nextAttempt: 0, lastError: nil)
        state.meta.outbox = [full, bare, full]
        let bytes = try StateFile.encode(state)
        #expect(try StateFile.decode(bytes).meta.outbox == state.meta.outbox)
        // Not in the JSON part any more: the payload is there once, in the outbox part.
        let payload = Array("ASR 27.5 %".utf8)
        let count = (0...(bytes.count - payload.count)).filter { bytes[$0..<$0 + payload.count].elementsEqual(payload) }.count
        #expect(count == 2)
    }

    @Test func companiesInstancesAndStreaksRoundTripWithEveryFieldSet() throws {
        var state = KlaxonState()
        state.meta.companies["C1"] = CompanyRecord(
            company: Company(id: "C1", name: "Café Olé", type: .carrier, status: .penalty, credit: -12.5, debitLimit: 50,
                             currency: "EUR", emails: ["a@x.example", "b@x.example"], phones: ["+15550100"], tags: ["t1", "t2"]),
            inSnapshot: true, lastSeen: 1_800_000_000)
        state.meta.companies["C2"] = CompanyRecord(company: Company(id: "C2"), inSnapshot: false, lastSeen: -5)
        var instance = AlertInstance(alert: "Low ASR", company: "C1")
        instance.status = .triggered
        instance.lastFired = 1_800_000_000
        instance.triggeredSince = 1_799_990_000
        instance.lastValue = 27.5
        state.meta.instances[AlertInstance.key(alert: "Low ASR", company: "C1")] = instance
        state.meta.instances[AlertInstance.key(alert: "Low ASR", company: "C2")] = AlertInstance(alert: "Low ASR", company: "C2")
        var streak = FailureStreak()
        streak.record(time: 100, connected: true)
        streak.record(time: 120, connected: false)
        streak.record(time: 120, connected: false)
        streak.record(time: 130, connected: false)
        state.meta.failureStreaks["C1"] = streak
        state.meta.failureStreaks["C2"] = FailureStreak()
        #expect(try StateFile.decode(StateFile.encode(state)) == state)
    }

    /// The buckets stream in blocks, every other one encoded on a second
    /// thread once there are enough of them.
    @Test func aStateOfManyBlocksRoundTripsOnTwoThreads() throws {
        var state = KlaxonState()
        let companies = 300
        let minutes = StateFile.bucketsWorthAThread / companies + 10
        for c in 0..<companies {
            var list: [MinuteBucket] = []
            list.reserveCapacity(minutes)
            for m in 0..<minutes {
                var b = MinuteBucket(minute: Int32(29_000_000 + 2 * m + c % 2))
                b.attempts = Int32(m % 7); b.customerCharge = Int64(c * m) - 5_000; b.talkSeconds = Int64(m) << 33
                list.append(b)
            }
            state.buckets["C\(c)"] = CompanyBuckets(buckets: list)
        }
        let bytes = try StateFile.encode(state)
        #expect(try StateFile.decode(bytes) == state)
        // A write that fails part way stops the second thread too (a hang here is the failure).
        struct FailingOutput: ByteOutput {
            var left = 5
            mutating func write(_ bytes: UnsafeRawBufferPointer) throws(AtomicFile.WriteError) {
                left -= 1
                if left < 0 { throw AtomicFile.WriteError(path: "test", reason: "full") }
            }
        }
        var failing = FailingOutput()
        #expect(throws: AtomicFile.WriteError.self) { try StateFile.write(head: [], buckets: state.buckets, into: &failing) }
        var torn = bytes
        torn.removeLast(9)
        torn += Array(bytes.suffix(8))
        #expect(throws: StateFile.DecodeError.self) { try StateFile.decode(torn) }
    }

    @Test func aHeadOfManyCompaniesRoundTripsOnTwoThreads() throws {
        var state = KlaxonState()
        state.meta.lastRun = 1_800_000_000
        let companies = StateFile.tableRowsWorthAThread
        for c in 0..<companies {
            let id = "C\(c)"
            state.meta.companies[id] = CompanyRecord(company: Company(id: id, name: "Company \(c)", credit: Double(c) / 4,
                                                                      emails: ["c\(c)@x.example"], tags: c % 2 == 0 ? ["prepaid"] : []),
                                                     inSnapshot: c % 3 != 0, lastSeen: 1_800_000_000 - Int64(c))
            var instance = AlertInstance(alert: "Low ASR", company: id)
            instance.lastValue = c % 5 == 0 ? nil : Double(c) / 7
            state.meta.instances[AlertInstance.key(alert: "Low ASR", company: id)] = instance
        }
        state.meta.failureStreaks["C1"] = FailureStreak()
        let head = try StateFile.encodeHead(state)
        #expect(try StateFile.decode(StateFile.encode(state)) == state)
        // The same bytes as the parts written one after the other on one thread.
        var small = state
        small.meta.companies = [:]
        small.meta.instances = [:]
        small.meta.failureStreaks = [:]
        let json = try StateFile.encodeHead(small)
        var tables = BinaryWriter()
        StateFile.encodeCompanyTable(state.meta, into: &tables)
        StateFile.encodeInstanceTables(state.meta, into: &tables)
        // The empty tables part (its length, the companies' length, three zero counts), the empty fraud part
        // (its length, no flags) and the empty outbox part (its length, a zero count).
        let jsonEnd = json.count - (8 + 8 + 3) - (8 + 1) - (8 + 1)
        var expected = Array(json[..<jsonEnd])
        var companyTable = BinaryWriter()
        StateFile.encodeCompanyTable(state.meta, into: &companyTable)
        var lengths = BinaryWriter()
        lengths.fixed64(UInt64(8 + tables.bytes.count))
        lengths.fixed64(UInt64(companyTable.bytes.count))
        expected += lengths.bytes + tables.bytes + Array(json[(json.count - 18)...])
        #expect(head == expected)
    }

    /// A loaded company keeps its encoded bytes: later minutes are appended,
    /// windows are summed from the bytes, pruning re-slices them, an earlier
    /// minute decodes them, and a save writes the same buckets as a decoded state.
    @Test func loadedBucketsStayEncodedUntilAnEarlierMinuteArrives() throws {
        var list: [MinuteBucket] = []
        for m in 0..<50 {
            var b = MinuteBucket(minute: Int32(29_000_000 + 2 * m))
            b.attempts = Int32(m + 1); b.connected = Int32(m % 3); b.talkSeconds = Int64(m) << 34; b.providerCharge = -Int64(m)
            list.append(b)
        }
        var original = KlaxonState()
        original.buckets["C1"] = CompanyBuckets(buckets: list)
        original.buckets["C2"] = CompanyBuckets(buckets: Array(list.prefix(1)))
        var loaded = try StateFile.decode(try StateFile.encode(original))
        #expect(loaded == original)
        #expect(loaded.buckets["C1"]?.lastMinute == 29_000_098)
        for (from, to) in [(Int32(0), Int32.max), (29_000_010, 29_000_031), (29_000_099, .max), (0, 29_000_000)] {
            #expect(loaded.buckets["C1"]?.total(from: from, to: to) == original.buckets["C1"]?.total(from: from, to: to))
        }

        var later = MinuteBucket(minute: 29_000_200)
        later.attempts = 9
        loaded.buckets["C1"]?.merge(CompanyBuckets(buckets: [later]))
        original.buckets["C1"]?.merge(CompanyBuckets(buckets: [later]))
        loaded.buckets["C1"]?.prune(before: 29_000_031)
        original.buckets["C1"]?.prune(before: 29_000_031)
        loaded.buckets["C2"]?.prune(before: 29_000_001)
        original.buckets["C2"]?.prune(before: 29_000_001)
        #expect(loaded == original)
        #expect(loaded.buckets["C1"]?.buckets.first?.minute == 29_000_032)
        #expect(loaded.buckets["C2"]?.isEmpty == true)

        var reloaded = try StateFile.decode(try StateFile.encode(loaded))
        #expect(reloaded == original)
        #expect(reloaded.buckets["C1"]?.total(from: 29_000_040, to: 29_000_201) == original.buckets["C1"]?.total(from: 29_000_040, to: 29_000_201))

        var earlier = MinuteBucket(minute: 29_000_034)
        earlier.attempts = 5
        reloaded.buckets["C1"]?.merge(earlier)
        original.buckets["C1"]?.merge(earlier)
        #expect(reloaded == original)
        #expect(try StateFile.decode(try StateFile.encode(reloaded)) == original)
    }
}
