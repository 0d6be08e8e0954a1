import KlaxonEngine
/// The hourly totals in the state's JSON part, as one base64 string of varints.
enum HourlyCoding {
    static func encode(_ hourly: [String: [Int32: MinuteBucket]]) -> [UInt8] {
        var w = BinaryWriter()
        w.varint(UInt64(hourly.count))
        for key in hourly.keys.sorted() {
            let hours = hourly[key] ?? [:]
            w.string(key)
            w.varint(UInt64(hours.count))
            for hour in hours.keys.sorted() {
                guard let b = hours[hour] else { continue }
                w.signed(Int64(hour))
                for field in [Int64(b.attempts), Int64(b.connected), Int64(b.nerSuccesses), Int64(b.redirects), Int64(b.pddCount),
                              b.talkSeconds, b.pddMillisecondsSum, b.customerCharge, b.providerCharge] {
                    w.signed(field)
                }
            }
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(BinaryReader.Truncated) -> [String: [Int32: MinuteBucket]] {
        var r = BinaryReader(bytes)
        return try decode(&r)
    }

    /// The totals `encode` wrote, from where `r` stands (the state file's fraud part).
    static func decode(_ r: inout BinaryReader) throws(BinaryReader.Truncated) -> [String: [Int32: MinuteBucket]] {
        var out: [String: [Int32: MinuteBucket]] = [:]
        for _ in 0..<(try r.count()) {
            let key = try r.string()
            var hours: [Int32: MinuteBucket] = [:]
            for _ in 0..<(try r.count()) {
                var b = MinuteBucket(minute: try r.int32())
                b.attempts = try r.int32(); b.connected = try r.int32(); b.nerSuccesses = try r.int32()
                b.redirects = try r.int32(); b.pddCount = try r.int32()
                b.talkSeconds = try r.signed(); b.pddMillisecondsSum = try r.signed()
                b.customerCharge = try r.signed(); b.providerCharge = try r.signed()
                hours[b.minute] = b
            }
            out[key] = hours
        }
        return out
    }
}
