/// A `MinuteBucket` as staged while a file is read: talk seconds and PDD sums
/// in 32 bits, 48 bytes instead of 56, since the staged buckets are most of a
/// first run's memory at the end of its read. Widening is checked: what would
/// not fit is not added (`add` returns false) and goes into another staged
/// bucket of the same minute, which `BucketRuns.buckets(of:)` sums back in
/// 64 bits.
package struct StagedBucket {
    package var minute: Int32
    package var attempts: Int32 = 0
    package var connected: Int32 = 0
    package var nerSuccesses: Int32 = 0
    package var redirects: Int32 = 0
    package var pddCount: Int32 = 0
    package var talkSeconds: Int32 = 0
    package var pddMillisecondsSum: Int32 = 0
    package var customerCharge: Int64 = 0
    package var providerCharge: Int64 = 0

    package init(minute: Int32) { self.minute = minute }

    package var wide: MinuteBucket {
        var b = MinuteBucket(minute: minute)
        b.attempts = attempts; b.connected = connected; b.nerSuccesses = nerSuccesses
        b.redirects = redirects; b.pddCount = pddCount; b.talkSeconds = Int64(talkSeconds)
        b.pddMillisecondsSum = Int64(pddMillisecondsSum); b.customerCharge = customerCharge; b.providerCharge = providerCharge
        return b
    }

    /// Adds `b` (of the same minute) unless its talk seconds or PDD sum would not fit in 32 bits.
    @inline(__always)
    package mutating func add(_ b: MinuteBucket) -> Bool {
        guard let talk = Int32(exactly: Int64(talkSeconds) + b.talkSeconds),
              let pdd = Int32(exactly: Int64(pddMillisecondsSum) + b.pddMillisecondsSum)
        else { return false }
        talkSeconds = talk
        pddMillisecondsSum = pdd
        attempts &+= b.attempts; connected &+= b.connected; nerSuccesses &+= b.nerSuccesses
        redirects &+= b.redirects; pddCount &+= b.pddCount
        customerCharge &+= b.customerCharge; providerCharge &+= b.providerCharge
        return true
    }

    /// `b` as staged buckets of its minute: one, or more when its talk seconds
    /// or PDD sum does not fit in 32 bits (the first ones then carry only a
    /// part of those sums, the last one everything else).
    package static func split(_ b: MinuteBucket) -> [StagedBucket] {
        var rest = b
        var parts: [StagedBucket] = []
        while true {
            var part = StagedBucket(minute: b.minute)
            if part.add(rest) { parts.append(part); return parts }
            let talk = min(max(rest.talkSeconds, Int64(Int32.min)), Int64(Int32.max))
            let pdd = min(max(rest.pddMillisecondsSum, Int64(Int32.min)), Int64(Int32.max))
            part.talkSeconds = Int32(talk)
            part.pddMillisecondsSum = Int32(pdd)
            rest.talkSeconds -= talk
            rest.pddMillisecondsSum -= pdd
            parts.append(part)
        }
    }
}
