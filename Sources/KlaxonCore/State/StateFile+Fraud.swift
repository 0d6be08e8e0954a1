import KlaxonEngine
/// The fraud part of the state file (since format 5): the call log's calls and
/// the hourly totals as binary, between the tables and the bucket blocks.
///
/// Format 4 kept them as base64 strings inside the JSON part: JSON escaped and
/// unescaped megabytes of base64 every run, and the decoder held the JSON, the
/// base64 and the bytes at once. The rest of `FraudState` (the log's names,
/// watch and start, the levels, `hourly_since`, `hourly_scope`) stays in JSON.
extension StateFile {
    /// Which of the two the part holds.
    private static let hasCalls: UInt64 = 1
    private static let hasHourly: UInt64 = 2
    /// The log's per-company coverage (absent before it was kept), after the totals.
    private static let hasCoverage: UInt64 = 4

    /// `meta` without what the fraud part holds, for the JSON part.
    static func withoutFraudBlocks(_ meta: StateMeta) -> StateMeta {
        var slim = meta
        slim.fraud?.log?.calls = [:]
        slim.fraud?.hourly = [:]
        return slim
    }

    static func encodeFraud(_ meta: StateMeta) -> [UInt8] {
        guard let fraud = meta.fraud else { return [0] }
        var w = BinaryWriter()
        let flags = (fraud.log == nil ? 0 : hasCalls) | (fraud.hourly.isEmpty ? 0 : hasHourly)
            | (fraud.log?.coverage == nil ? 0 : hasCoverage)
        w.varint(flags)
        if let log = fraud.log { w.bytes += CallLogCoding.encodeCalls(log.calls) }
        if !fraud.hourly.isEmpty { w.bytes += HourlyCoding.encode(fraud.hourly) }
        if let coverage = fraud.log?.coverage { w.bytes += CallLogCoding.encodeCoverage(coverage) }
        return w.bytes
    }

    /// Puts the calls and totals of `part` (a reader over just the fraud part) into `meta`, whose JSON part must
    /// already hold the log (its names) and the fraud state they belong to.
    static func decodeFraud(_ part: BinaryReader, into meta: inout StateMeta) throws(DecodeError) {
        var r = part
        do {
            let flags = try r.varint()
            guard flags & ~(hasCalls | hasHourly | hasCoverage) == 0 else { throw DecodeError.corrupt("its fraud part has unknown contents") }
            guard flags == 0 || meta.fraud != nil, flags & (hasCalls | hasCoverage) == 0 || meta.fraud?.log != nil else {
                throw DecodeError.corrupt("its fraud part holds calls or totals the JSON part has no place for")
            }
            if flags & hasCalls != 0 { meta.fraud?.log?.calls = try CallLogCoding.decodeCalls(&r) }
            if flags & hasHourly != 0 { meta.fraud?.hourly = try HourlyCoding.decode(&r) }
            if flags & hasCoverage != 0 {
                guard let coverage = try CallLogCoding.decodeCoverage(&r) else { throw DecodeError.corrupt("its call log's coverage names no coverage") }
                meta.fraud?.log?.coverage = coverage
            }
            guard r.offset == r.end else { throw DecodeError.corrupt("its fraud part length is wrong") }
        } catch let error as DecodeError {
            throw error
        } catch {
            throw .corrupt("its call log or hourly totals are truncated")
        }
    }
}
