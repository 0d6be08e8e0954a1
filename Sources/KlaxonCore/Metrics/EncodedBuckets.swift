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
struct EncodedBuckets: Sendable {
    var first: Int32
    var last: Int32
    var count: Int
    var rest: ArraySlice<UInt8>
    /// Whether `rest` is bytes of its own (`init(encoding:)`), not a slice of a
    /// loaded file that later minutes are better kept apart from.
    private(set) var ownsBytes = false

    init(first: Int32, last: Int32, count: Int, rest: ArraySlice<UInt8>) {
        self.first = first
        self.last = last
        self.count = count
        self.rest = rest
    }

    /// `list` (sorted by minute, not empty) encoded into bytes of its own;
    /// `scratch` is reused from call to call.
    init?(encoding list: [MinuteBucket], scratch: inout [UInt8]) {
        guard let head = list.first else { return nil }
        first = head.minute
        last = head.minute
        count = 0
        rest = []
        ownsBytes = true
        append(list, scratch: &scratch)
    }

    /// Encodes `list` (sorted, all after `last`) after the buckets already here.
    mutating func append(_ list: [MinuteBucket], scratch: inout [UInt8]) {
        let maxBytes = list.count * 10 * 10
        if scratch.count < maxBytes { scratch = [UInt8](repeating: 0, count: maxBytes) }
        let skipMinute = count == 0
        var previous = last
        scratch.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var c = BinaryWriter.RawCursor(base: base, limit: maxBytes)
            for (k, b) in list.enumerated() {
                if k == 0 && skipMinute { c.bucketFields(b) } else { c.bucket(b, after: previous) }
                previous = b.minute
            }
            // Exactly the room needed: most companies get one append per file range.
            rest.reserveCapacity(rest.count + c.offset)
            rest.append(contentsOf: UnsafeBufferPointer(start: base, count: c.offset))
        }
        last = previous
        count += list.count
    }

    /// Fields after the minute.
    private static let fieldsAfterMinute = 9

    /// Calls `body` with each bucket in minute order until it returns false.
    func forEach(_ body: (MinuteBucket) -> Bool) {
        rest.withUnsafeBufferPointer { buffer in
            var c = Cursor(buffer)
            var minute = Int64(first)
            for k in 0..<count {
                if k > 0 {
                    guard let delta = c.signed() else { return }
                    minute &+= delta
                }
                guard let m = Int32(exactly: minute) else { return }
                var b = MinuteBucket(minute: m)
                guard let attempts = c.signed(), let connected = c.signed(), let ner = c.signed(),
                      let redirects = c.signed(), let pddCount = c.signed(), let talk = c.signed(),
                      let pddSum = c.signed(), let customer = c.signed(), let provider = c.signed()
                else { return }
                b.attempts = Int32(truncatingIfNeeded: attempts); b.connected = Int32(truncatingIfNeeded: connected)
                b.nerSuccesses = Int32(truncatingIfNeeded: ner); b.redirects = Int32(truncatingIfNeeded: redirects)
                b.pddCount = Int32(truncatingIfNeeded: pddCount); b.talkSeconds = talk
                b.pddMillisecondsSum = pddSum; b.customerCharge = customer; b.providerCharge = provider
                guard body(b) else { return }
            }
        }
    }

    func decoded() -> [MinuteBucket] {
        var list: [MinuteBucket] = []
        // Room for the next hourly run's buckets, so that adding them is an append, not a copy.
        list.reserveCapacity(count + count / 16 + 4)
        forEach { list.append($0); return true }
        return list
    }

    /// Adds the buckets with minutes in `[from, to)` into `sum`, decoding no further than `to`.
    func add(from: Int32, to: Int32, into sum: inout MinuteBucket) {
        guard from <= last, to > first else { return }
        forEach { b in
            guard b.minute < to else { return false }
            if b.minute >= from { sum.add(b) }
            return true
        }
    }

    /// Without the buckets before `minute` (nil when none is left); reads the
    /// dropped buckets' bytes only, the rest is re-sliced.
    func dropping(before minute: Int32) -> EncodedBuckets? {
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
                    return EncodedBuckets(first: m, last: last, count: count - k,
                                          rest: rest[(rest.startIndex + c.offset)...])
                }
            }
            return nil
        }
    }

    /// A bounds-checked read position; nil at the end or on a varint too long.
    private struct Cursor {
        let buffer: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

        @inline(__always)
        mutating func varint() -> UInt64? {
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
        mutating func signed() -> Int64? {
            guard let v = varint() else { return nil }
            return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
        }

        @inline(__always)
        mutating func skip() -> Bool {
            while offset < buffer.count {
                let b = buffer[offset]
                offset &+= 1
                if b < 0x80 { return true }
            }
            return false
        }
    }
}
