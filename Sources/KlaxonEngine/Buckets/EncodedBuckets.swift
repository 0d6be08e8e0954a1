/// A company's buckets as the state file holds them (format 4), kept from the
/// load instead of decoded: an hourly run reads few of them, and a save copies
/// the bytes through. `rest` is a slice of the loaded file, so keeping them
/// costs no copy.
///
/// The encoding is one signed varint per field, the minute as the difference
/// from the previous bucket's (the first one's from 0). `rest` starts after
/// the first bucket's minute, which is `first`: dropping buckets from the
/// front is a re-slice, not a re-encoding.
///
/// The file's checksum was verified when it was read; a slice that still does
/// not decode (a writer's bug, not a torn file) reads as ending early.
package struct EncodedBuckets: Sendable {
    package var first: Int32
    package var last: Int32
    package var count: Int
    package var rest: ArraySlice<UInt8>
    /// Whether `rest` is bytes of its own (`init(encoding:)`), not a slice of a
    /// loaded file that later minutes are better kept apart from.
    package private(set) var ownsBytes = false
    /// Where the last bucket's fields (after its minute) start, from `rest`'s
    /// start, when known: a later bucket of the same minute is then added
    /// into it in place (`addToLast`), as when the two ranges of a split file
    /// both hold the minute they were split in.
    package private(set) var lastFields: Int?

    package init(first: Int32, last: Int32, count: Int, rest: ArraySlice<UInt8>, ownsBytes: Bool = false, lastFields: Int? = nil) {
        self.first = first
        self.last = last
        self.count = count
        self.rest = rest
        self.ownsBytes = ownsBytes
        self.lastFields = lastFields
    }

    /// `list` (sorted by minute, not empty) encoded into bytes of its own;
    /// `scratch` is reused from call to call.
    package init?<Buckets: Collection<MinuteBucket>>(encoding list: Buckets, scratch: inout [UInt8]) {
        guard let head = list.first else { return nil }
        first = head.minute
        last = head.minute
        count = 0
        rest = []
        ownsBytes = true
        append(list, scratch: &scratch)
    }

    /// Encodes `list` (sorted, all after `last`) after the buckets already here.
    package mutating func append<Buckets: Collection<MinuteBucket>>(_ list: Buckets, scratch: inout [UInt8]) {
        let maxBytes = list.count * 10 * 10
        if scratch.count < maxBytes { scratch = [UInt8](repeating: 0, count: maxBytes) }
        let skipMinute = count == 0
        var previous = last
        var fieldsAt = 0
        scratch.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var c = BinaryWriter.RawCursor(base: base, limit: maxBytes)
            var isFirst = skipMinute
            for b in list {
                if !isFirst { c.signed(Int64(b.minute) - Int64(previous)) }
                fieldsAt = c.offset
                c.bucketFields(b)
                isFirst = false
                previous = b.minute
            }
            // Exactly the room needed: most companies get one append per file range.
            rest.reserveCapacity(rest.count + c.offset)
            lastFields = rest.count + fieldsAt
            rest.append(contentsOf: UnsafeBufferPointer(start: base, count: c.offset))
        }
        last = previous
        count += list.count
    }

    /// Appends `other`'s buckets (all after `last`) as they are encoded: its
    /// first minute as a difference, then its bytes (the second range of a split file).
    package mutating func append(encoded other: EncodedBuckets) {
        precondition(count > 0 && other.count > 0 && other.first > last, "encoded buckets appended out of order")
        var delta = [UInt8](repeating: 0, count: 10)
        let length = delta.withUnsafeMutableBufferPointer { buffer -> Int in
            var c = BinaryWriter.RawCursor(base: buffer.baseAddress!, limit: buffer.count)
            c.signed(Int64(other.first) - Int64(last))
            return c.offset
        }
        rest.reserveCapacity(rest.count + length + other.rest.count)
        lastFields = other.lastFields.map { rest.count + length + $0 }
        rest.append(contentsOf: delta[..<length])
        rest.append(contentsOf: other.rest)
        last = other.last
        count += other.count
    }

    /// Fields after the minute.
    private static let fieldsAfterMinute = 9

    /// Calls `body` with each bucket in minute order until it returns false.
    package func forEach(_ body: (MinuteBucket) -> Bool) {
        rest.withUnsafeBufferPointer { buffer in
            var c = Cursor(buffer)
            var minute = Int64(first)
            for k in 0..<count {
                if k > 0 {
                    guard let delta = c.signed() else { return }
                    minute &+= delta
                }
                guard let m = Int32(exactly: minute), let b = c.fields(minute: m), body(b) else { return }
            }
        }
    }

    package func decoded() -> [MinuteBucket] {
        var list: [MinuteBucket] = []
        // Room for the next hourly run's buckets, so that adding them is an append, not a copy.
        list.reserveCapacity(count + count / 16 + 4)
        forEach { list.append($0); return true }
        return list
    }

    /// Adds the buckets with minutes in `[from, to)` into `sum`, decoding no further than `to`.
    package func add(from: Int32, to: Int32, into sum: inout MinuteBucket) {
        guard from <= last, to > first else { return }
        forEach { b in
            guard b.minute < to else { return false }
            if b.minute >= from { sum.add(b) }
            return true
        }
    }

    /// Without the buckets before `minute` (nil when none is left); reads the
    /// dropped buckets' bytes only, the rest is re-sliced.
    package func dropping(before minute: Int32) -> EncodedBuckets? {
        guard first < minute else { return self }
        guard last >= minute else { return nil }
        return rest.withUnsafeBufferPointer { buffer -> EncodedBuckets? in
            var c = Cursor(buffer)
            var current = Int64(first)
            for k in 1..<count {
                for _ in 0..<Self.fieldsAfterMinute { guard c.skip() else { return nil } }
                guard let delta = c.signed() else { return nil }
                current &+= delta
                if current >= Int64(minute) {
                    guard let m = Int32(exactly: current) else { return nil }
                    return EncodedBuckets(first: m, last: last, count: count - k, rest: rest[(rest.startIndex + c.offset)...],
                                          ownsBytes: ownsBytes, lastFields: lastFields.map { $0 - c.offset })
                }
            }
            return nil
        }
    }

    /// Takes the first bucket off: decodes it, re-slices the rest (nil when it was the only one).
    package func splittingFirst() -> (head: MinuteBucket, tail: EncodedBuckets?)? {
        rest.withUnsafeBufferPointer { buffer in
            var c = Cursor(buffer)
            guard var head = c.fields(minute: first) else { return nil }
            head.minute = first
            guard count > 1 else { return (head, nil) }
            guard let delta = c.signed(), let next = Int32(exactly: Int64(first) + delta) else { return nil }
            let tail = EncodedBuckets(first: next, last: last, count: count - 1, rest: rest[(rest.startIndex + c.offset)...],
                                      ownsBytes: ownsBytes, lastFields: lastFields.map { $0 - c.offset })
            return (head, tail)
        }
    }

    /// Adds `bucket` (of minute `last`) into the last bucket, re-encoding only
    /// that bucket's fields; false when where they start is not known.
    package mutating func addToLast(_ bucket: MinuteBucket) -> Bool {
        guard bucket.minute == last, let at = lastFields, at <= rest.count else { return false }
        let decoded = rest.withUnsafeBufferPointer { buffer -> MinuteBucket? in
            var c = Cursor(UnsafeBufferPointer(rebasing: buffer[at...]))
            return c.fields(minute: last)
        }
        guard var sum = decoded else { return false }
        sum.add(bucket)
        var bytes = [UInt8](repeating: 0, count: 90)
        let length = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
            var c = BinaryWriter.RawCursor(base: buffer.baseAddress!, limit: buffer.count)
            c.bucketFields(sum)
            return c.offset
        }
        rest.removeSubrange((rest.startIndex + at)...)
        rest.append(contentsOf: bytes[..<length])
        return true
    }

    /// A bounds-checked read position; nil at the end or on a varint too long.
    private struct Cursor {
        package let buffer: UnsafeBufferPointer<UInt8>
        package var offset = 0

        package init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        @inline(__always)
        package mutating func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while offset < buffer.count, shift < 64 {
                let b = buffer[offset]
                offset &+= 1
                result |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return result }
                shift &+= 7
            }
            return nil
        }

        @inline(__always)
        package mutating func signed() -> Int64? {
            guard let v = varint() else { return nil }
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }

        /// A bucket's nine fields (after its minute), as `BinaryWriter.RawCursor.bucketFields` writes them.
        package mutating func fields(minute: Int32) -> MinuteBucket? {
            guard let attempts = signed(), let connected = signed(), let ner = signed(),
                  let redirects = signed(), let pddCount = signed(), let talk = signed(),
                  let pddSum = signed(), let customer = signed(), let provider = signed()
            else { return nil }
            var b = MinuteBucket(minute: minute)
            b.attempts = Int32(truncatingIfNeeded: attempts); b.connected = Int32(truncatingIfNeeded: connected)
            b.nerSuccesses = Int32(truncatingIfNeeded: ner); b.redirects = Int32(truncatingIfNeeded: redirects)
            b.pddCount = Int32(truncatingIfNeeded: pddCount); b.talkSeconds = talk
            b.pddMillisecondsSum = pddSum; b.customerCharge = customer; b.providerCharge = provider
            return b
        }

        @inline(__always)
        package mutating func skip() -> Bool {
            while offset < buffer.count {
                let b = buffer[offset]
                offset &+= 1
                if b < 0x80 { return true }
            }
            return false
        }
    }
}
