import Foundation
import Testing
@testable import KlaxonCore

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
