import KlaxonEngine
/// The outbox part of the state file (since format 6): the decided messages,
/// binary, after the fraud part.
///
/// Up to format 5 they were in the JSON part. A run commits its messages
/// before sending them and the next load drops the delivered ones (the
/// journal), so the run after a busy one decoded every message of it from JSON
/// first: about 100,000 instructions a message, 0.8 G for the 6,481 messages
/// at 100,000 companies, more than the instance table. Here a message is its
/// strings copied.
///
/// Every stored field of `OutboxItem` and its `Digest` is written here by
/// hand; `StateFileTablesTests` counts them, so a field added fails a test until
/// it is added here (and the format version raised).
extension StateFile {
    /// The first format with this part; before it the JSON part holds the outbox.
    static let outboxPartSince = 6

    static func encodeOutbox(_ items: [OutboxItem]) -> [UInt8] {
        var w = BinaryWriter()
        w.bytes.reserveCapacity(items.reduce(16) { $0 + $1.payload.utf8.count + 200 })
        w.varint(UInt64(items.count))
        for item in items {
            w.string(item.id)
            w.string(item.channel.rawValue)
            w.optionalString(item.alert)
            w.optionalString(item.company)
            w.string(item.kind)
            w.strings(item.recipients)
            w.optionalString(item.subject)
            w.string(item.payload)
            w.signed(item.createdAt)
            w.signed(Int64(item.attempts))
            w.signed(item.nextAttempt)
            w.optionalString(item.lastError)
            w.varint(item.dead ? 1 : 0)
            w.varint(item.digest == nil ? 0 : 1)
            if let digest = item.digest {
                w.signed(Int64(digest.events))
                w.strings(digest.companies)
                w.signed(Int64(digest.smsLeftOut))
            }
        }
        return w.bytes
    }

    /// The outbox of `part` (a reader over just the outbox part).
    static func decodeOutbox(_ part: BinaryReader) throws(DecodeError) -> [OutboxItem] {
        var r = part
        do {
            let count = try r.count()
            var items: [OutboxItem] = []
            // A count is bounded by the bytes left, an item is far larger in memory than its
            // shortest encoding: room for what the bytes can hold, not what a corrupt count says.
            items.reserveCapacity(min(count, (r.end - r.offset) / 32))
            var kind = ""
            for _ in 0..<count {
                let id = try r.string()
                let channel = try r.enumValue(OutboxItem.Channel.self)
                let alert = try r.optionalString()
                let company = try r.optionalString()
                // Most messages of a run are of a few kinds: those share one string.
                kind = try r.string(reusing: kind)
                var item = OutboxItem(id: id, channel: channel, alert: alert, company: company, kind: kind,
                                      recipients: try r.strings(), subject: try r.optionalString(), payload: try r.string(),
                                      createdAt: try r.signed(), attempts: Int(try r.signed()), nextAttempt: try r.signed(),
                                      lastError: try r.optionalString())
                item.dead = try r.flag()
                if try r.flag() {
                    item.digest = OutboxItem.Digest(events: Int(try r.signed()), companies: try r.strings(), smsLeftOut: Int(try r.signed()))
                }
                items.append(item)
            }
            guard r.offset == r.end else { throw DecodeError.corrupt("its outbox part length is wrong") }
            return items
        } catch let error as DecodeError {
            throw error
        } catch {
            throw .corrupt("its outbox is truncated")
        }
    }
}

extension BinaryWriter {
    mutating func optionalString(_ value: String?) {
        varint(value == nil ? 0 : 1)
        if let value { string(value) }
    }
}

extension BinaryReader {
    mutating func optionalString() throws(Truncated) -> String? {
        try varint() == 0 ? nil : try string()
    }

    /// 0 or 1; anything else is corrupt.
    mutating func flag() throws(Truncated) -> Bool {
        let v = try varint()
        guard v <= 1 else { throw Truncated() }
        return v == 1
    }
}
