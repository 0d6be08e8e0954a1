import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// A save after a load copies what did not change (`StateImage`, `SavePlan`):
/// it must read back as the state, and with nothing changed be the same bytes.
@Suite struct StateImageTests {
    /// Enough companies and buckets for several blocks, with tables and a fraud part.
    func bigState(companies: Int = 400, minutes: Int = 400) -> KlaxonState {
        var state = KlaxonState()
        state.meta.lastRun = 1_800_000_000
        for c in 0..<companies {
            let id = "C\(1000 + c)"
            var list: [MinuteBucket] = []
            for m in 0..<(c % 7 == 0 ? 1 : minutes) {
                var b = MinuteBucket(minute: Int32(29_000_000 + 3 * m + c % 3))
                b.attempts = Int32(1 + m % 5); b.connected = Int32(m % 3); b.talkSeconds = Int64(c * m); b.customerCharge = Int64(m) - 40
                list.append(b)
            }
            state.buckets[id] = CompanyBuckets(buckets: list)
            state.meta.companies[id] = CompanyRecord(company: Company(id: id, name: "Company \(c)", credit: Double(c) / 8, currency: "EUR",
                                                                      emails: ["billing@c\(c).example"], tags: c % 2 == 0 ? ["prepaid", "wholesale"] : []),
                                                     inSnapshot: true, lastSeen: 1_800_000_000)
            for alert in ["Low ASR", "Low Balance with a long title"] {
                var i = AlertInstance(alert: alert, company: id)
                i.lastValue = Double(c)
                state.meta.instances[AlertInstance.key(alert: alert, company: id)] = i
            }
        }
        var log = CallLog(watch: "*", since: 5)
        _ = log.nameIndex("Cuba")
        let call = CallRecord(time: 1_800_000_000, durationSeconds: 42, sipCode: 200, pddMilliseconds: 900, customerCharge: -3, providerCharge: 7)
        log.append([LoggedCall(call, number: 99, destination: 0), LoggedCall(call, number: 1, destination: -1)], company: "C1001")
        state.meta.fraud = FraudState()
        state.meta.fraud?.log = log
        var hour = MinuteBucket(minute: 29_000_040)
        hour.attempts = 12; hour.customerCharge = 5_000
        state.meta.fraud?.hourly["C1001"] = [29_000_040: hour]
        return state
    }

    /// The state encoded as if never loaded: every company and table written afresh.
    func fresh(_ state: KlaxonState) throws -> [UInt8] {
        var copy = state
        copy.image = nil
        return try StateFile.encode(copy)
    }

    @Test func aFormatNumberPastIntsRangeIsRefusedNotATrap() throws {
        // The magic, a ten-byte varint of UInt64.max, then eight bytes where the checksum goes.
        let bytes = StateFile.magic + [UInt8](repeating: 0xFF, count: 9) + [0x01] + [UInt8](repeating: 0, count: 8)
        #expect(throws: StateFile.DecodeError.self) { try StateFile.decode(bytes) }
    }

    @Test func aStateSavedWithNothingChangedIsTheFileItWasLoadedFrom() throws {
        let bytes = try StateFile.encode(bigState())
        let loaded = try StateFile.decode(bytes)
        let image = try #require(loaded.image)
        #expect(image.blocks.count > 2)
        let plan = SavePlan(buckets: loaded.buckets, image: image)
        #expect(plan.blocks.allSatisfy { $0.verbatim != nil }, "every block is written from the loaded buffer")
        #expect(try StateFile.encode(loaded) == bytes)
    }

    @Test func changedCompaniesAreEncodedAfreshAndTheRestCopied() throws {
        let original = bigState()
        var state = try StateFile.decode(StateFile.encode(original))
        var later = MinuteBucket(minute: 29_100_000)
        later.attempts = 7
        state.buckets["C1010"]?.merge(later)                        // a new minute
        state.buckets["C1011"]?.prune(before: 29_000_100)           // pruned
        var earlier = MinuteBucket(minute: 29_000_001)
        earlier.attempts = 2
        state.buckets["C1012"]?.merge(earlier)                      // decoded and merged
        state.buckets["C1013"] = nil                                // gone
        state.meta.companies["C1013"] = nil
        state.buckets["C1013x"] = CompanyBuckets(buckets: [later])  // new, sorted between loaded ones
        state.buckets["A0"] = CompanyBuckets(buckets: [later])      // new, before all
        state.buckets["Z9"] = CompanyBuckets(buckets: [later])      // new, after all
        state.meta.instances[AlertInstance.key(alert: "Low ASR", company: "C1013x")] = AlertInstance(alert: "Low ASR", company: "C1013x")
        state.meta.instances["Low ASR\u{1F}C1014"]?.lastValue = 99
        state.meta.fraud?.hourly["C1002"] = [:]

        let plan = SavePlan(buckets: state.buckets, image: state.image)
        let copied = plan.items.filter { if case .copy = $0 { return true } else { return false } }.count
        #expect(copied == original.buckets.count - 4, "all but the three changed and the removed one are copied")
        // The changes are all in the first block: the others are written as loaded.
        #expect(plan.blocks.first?.verbatim == nil && plan.blocks.dropFirst().filter { $0.verbatim == nil }.count == 1,
                "the first and the last (with Z9) are encoded")
        #expect(plan.blocks.count == state.image?.blocks.count)

        let bytes = try StateFile.encode(state)
        let back = try StateFile.decode(bytes)
        #expect(back == state)
        #expect(back == (try StateFile.decode(fresh(state))))
        // The head (JSON, tables in loaded order, fraud part) is the same as a fresh one's.
        #expect(Array(bytes.prefix(try StateFile.encodeHead(state).count)) == (try StateFile.encodeHead({ var s = state; s.image = nil; return s }())))
        #expect(back.buckets["C1010"]?.lastMinute == 29_100_000)
        #expect(back.buckets["C1013"] == nil && back.buckets["C1013x"] != nil)
    }

    /// Buckets of another load of the same file lie at the same offsets of
    /// another buffer: they are not mistaken for this load's.
    @Test func bucketsFromAnotherLoadAreEncodedNotCopied() throws {
        let bytes = try StateFile.encode(bigState(companies: 30, minutes: 20))
        var first = try StateFile.decode(bytes)
        let second = try StateFile.decode(bytes.map { $0 })  // the same bytes in another buffer
        first.buckets["C1003"] = second.buckets["C1003"]
        let image = try #require(first.image)
        let record = try #require(image.records.first { $0.id == "C1003" })
        #expect(!image.isUnchanged(try #require(first.buckets["C1003"]), as: record))
        let secondImage = try #require(second.image)
        #expect(secondImage.isUnchanged(try #require(second.buckets["C1003"]), as: try #require(secondImage.records.first { $0.id == "C1003" })))
        #expect(try StateFile.encode(first) == bytes)
    }

    @Test func theFraudPartIsBinaryOutsideTheJSON() throws {
        let state = bigState(companies: 3, minutes: 2)
        let bytes = try StateFile.encode(state)
        var r = BinaryReader(bytes, offset: StateFile.magic.count + 1)
        let json = try r.part()
        let text = String(decoding: bytes[json], as: UTF8.self)
        #expect(text.contains("\"watch\"") && !text.contains("\"hourly\""))
        #expect(try StateFile.decode(bytes) == state)
        // Calls for a log the JSON part does not have: corrupt, with the checksum made right.
        var broken = state
        broken.meta.fraud?.log = nil
        broken.meta.fraud?.hourly = [:]
        var edited = try StateFile.encode(broken)
        // Its fraud part is one byte of flags, before the empty outbox part (its length, a zero count).
        let fraudAt = try StateFile.encodeHead(broken).count - 1 - (8 + 1)
        #expect(edited[fraudAt] == 0)
        edited[fraudAt] = 1
        edited.replaceSubrange(edited.count - 8..<edited.count, with: Self.checksum(Array(edited.dropLast(8))))
        #expect { try StateFile.decode(edited) } throws: { error in
            if case .corrupt(let reason) = error as? StateFile.DecodeError { return reason.contains("fraud part") }
            return false
        }
    }

    static func checksum(_ bytes: [UInt8]) -> [UInt8] {
        var w = BinaryWriter()
        w.fixed64(StateFile.xxh64(bytes, count: bytes.count))
        return w.bytes
    }

    @Test func aCorruptOutboxPartIsRefusedNamingTheFile() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        var state = bigState()
        state.meta.outbox = (0..<3).map { n in
            OutboxItem(id: "m\(n)", channel: .email, alert: "A", company: "C\(n)", kind: "fired", recipients: ["noc@example.test"],
                       subject: "s\(n)", payload: "body \(n)", createdAt: 1_000, nextAttempt: 0)
        }
        try store.save(state)
        let good = Array(try #require(FileManager.default.contents(atPath: store.stateFile)))
        #expect(try store.load().meta.outbox.map(\.id) == ["m0", "m1", "m2"])
        var r = BinaryReader(good, offset: StateFile.magic.count + 1)
        _ = try r.part(); _ = try r.part(); _ = try r.part()
        let outbox = try r.part()
        #expect(good[outbox.lowerBound] == 3, "the part starts with its count")
        func refused(_ bytes: [UInt8], saying words: String) throws {
            var bytes = bytes
            bytes.replaceSubrange(bytes.count - 8..<bytes.count, with: Self.checksum(Array(bytes.dropLast(8))))
            _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(bytes))
            #expect { _ = try store.load() } throws: { error in
                let message = (error as? KlaxonError)?.message ?? ""
                return message.contains(store.stateFile + " is corrupt") && message.contains(words)
            }
        }
        // More items than the part holds, checksum made right: refused, never half-read.
        var many = good
        many[outbox.lowerBound] = 0x7F
        try refused(many, saying: "outbox")
        // Fewer items than the part holds: bytes left over.
        var few = good
        few[outbox.lowerBound] = 2
        try refused(few, saying: "outbox")
    }

    @Test func aCorruptBlockOrTableIsRefusedNamingTheFile() throws {
        let scratch = Scratch()
        let store = StateStore(directory: scratch.url("state"))
        try store.save(bigState())
        let good = Array(try #require(FileManager.default.contents(atPath: store.stateFile)))
        // A flipped byte in the last bucket block.
        var flipped = good
        flipped[good.count - 200] ^= 0x40
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(flipped))
        #expect { _ = try store.load() } throws: { error in
            let message = (error as? KlaxonError)?.message ?? ""
            return message.contains(store.stateFile + " is corrupt") && message.contains("checksum")
        }
        // A block whose length runs past the file, checksum made right: still refused, never half-read.
        // The JSON, tables, fraud and outbox parts come before the bucket blocks.
        var r = BinaryReader(good, offset: StateFile.magic.count + 1)
        _ = try r.part(); _ = try r.part(); _ = try r.part(); _ = try r.part()
        var long = good
        long[r.offset + 7] = 0x7F
        long.replaceSubrange(long.count - 8..<long.count, with: Self.checksum(Array(long.dropLast(8))))
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(long))
        #expect { _ = try store.load() } throws: { error in
            let message = (error as? KlaxonError)?.message ?? ""
            return message.contains(store.stateFile + " is corrupt: truncated")
        }
        // The companies table's length one short.
        var table = good
        var t = BinaryReader(good, offset: StateFile.magic.count + 1)
        _ = try t.part()
        let tablesAt = t.offset + 8
        table[tablesAt] &-= 1
        table.replaceSubrange(table.count - 8..<table.count, with: Self.checksum(Array(table.dropLast(8))))
        _ = FileManager.default.createFile(atPath: store.stateFile, contents: Data(table))
        #expect { _ = try store.load() } throws: { error in
            ((error as? KlaxonError)?.message ?? "").contains(store.stateFile + " is corrupt")
        }
    }
}
