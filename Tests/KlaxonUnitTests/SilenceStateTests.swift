import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

@Suite struct SilenceStateTests {
    @Test func noticeRecordsRoundTripThroughTheStateFile() throws {
        var state = KlaxonState()
        state.meta.instances["A\u{1F}C1"] = AlertInstance(alert: "A", company: "C1")
        var notice = InstanceNotice()
        notice.unnotifiedSince = 100
        notice.escalated = [0]
        notice.told = ["+447700900123"]
        state.meta.notices = ["A\u{1F}C1": notice]
        #expect(try StateFile.decode(StateFile.encode(state)) == state)
    }

    @Test func aStateWithoutSilencesWritesNoNoticesKeySoMainsStateLoadsUnchanged() throws {
        var state = KlaxonState()
        state.meta.lastRun = 42
        let bytes = try StateFile.encode(state)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("notices"))
        #expect(try StateFile.decode(bytes).meta.notices == nil)
    }

    @Test func silencesAreStoredUnderTheLockAndExpiredOnesAreForgottenAfterAWeek() throws {
        let folder = TempFolder()
        let store = SilenceStore(directory: folder.path)
        let day: Int64 = 86_400
        let first = try store.update(wait: TimeSpan(seconds: 0), now: 0) { list in
            let s = Silence(id: list.nextID, alert: "A", company: "C1", tag: nil, created: 0, until: day, comment: "why")
            list.nextID += 1
            list.silences.append(s)
            return s
        }
        #expect(first.id == 1)
        #expect(try store.load().silences == [first])
        let expired = try store.update(wait: TimeSpan(seconds: 0), now: 10) { (list: inout SilenceList) throws(KlaxonError) in
            try list.expire(1, now: 10)
        }
        #expect(expired.expired == 10 && !expired.isActive(at: 5), "an expired silence silences no run, even an earlier --now")
        #expect(throws: KlaxonError.self) {
            try store.update(wait: TimeSpan(seconds: 0), now: 10) { (list: inout SilenceList) throws(KlaxonError) in try list.expire(7, now: 10) }
        }
        try store.update(wait: TimeSpan(seconds: 0), now: 10 + 7 * day - 1) { _ in }
        #expect(try store.load().silences.count == 1, "still listed within the week")
        try store.update(wait: TimeSpan(seconds: 0), now: 11 + 7 * day) { _ in }
        #expect(try store.load().silences.isEmpty)
        #expect(try store.load().nextID == 2, "ids are never reused")
    }

    @Test func aSilenceChangeWhileARunHoldsTheLockFailsAsLockedAfterItsWait() throws {
        let folder = TempFolder()
        let held = try RunLock(stateDirectory: folder.path)
        var waited = false
        do {
            try SilenceStore(directory: folder.path).update(wait: TimeSpan(seconds: 1), now: 0, waiting: { waited = true }) { _ in }
            Issue.record("the change went through a held lock")
        } catch {
            #expect(error.kind == .locked)
        }
        #expect(waited, "the operator is told it is waiting")
        withExtendedLifetime(held) {}
    }

    @Test func aCorruptSilencesFileStopsTheRunAsAStateProblem() throws {
        let folder = TempFolder()
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: folder.path + "/silences.json"))
        #expect(throws: KlaxonError.self) { try SilenceStore(directory: folder.path).load() }
        do { _ = try SilenceStore(directory: folder.path).load() } catch { #expect(error.kind == .state) }
    }
}
