/// Everything the metrics need about one company's calls in one minute.
/// Buckets, not calls, are what the state keeps: it grows with companies ×
/// minutes of window, never with the number of calls (behaviour.md "Performance").
public struct MinuteBucket: Sendable, Equatable {
    /// Minutes since the Unix epoch.
    public var minute: Int32
    public var attempts: Int32 = 0
    public var connected: Int32 = 0
    /// Attempts ending 200, 480, 486, 600 or 603: the numerator of NER (RFC 6076 SEER).
    public var nerSuccesses: Int32 = 0
    /// Attempts ending 3xx, which NER leaves out of its denominator.
    public var redirects: Int32 = 0
    public var pddCount: Int32 = 0
    public var talkSeconds: Int64 = 0
    public var pddMillisecondsSum: Int64 = 0
    /// Charges in micro-units (10⁻⁶), so sums are exact and independent of order.
    public var customerCharge: Int64 = 0
    public var providerCharge: Int64 = 0

    public init(minute: Int32) { self.minute = minute }

    public mutating func add(_ other: MinuteBucket) {
        attempts &+= other.attempts
        connected &+= other.connected
        nerSuccesses &+= other.nerSuccesses
        redirects &+= other.redirects
        pddCount &+= other.pddCount
        talkSeconds &+= other.talkSeconds
        pddMillisecondsSum &+= other.pddMillisecondsSum
        customerCharge &+= other.customerCharge
        providerCharge &+= other.providerCharge
    }

    /// Folds one call attempt in.
    public mutating func add(_ call: CallRecord) {
        attempts &+= 1
        if call.isConnected {
            connected &+= 1
            talkSeconds &+= call.durationSeconds
        }
        if let code = call.sipCode {
            switch code {
            case 200, 480, 486, 600, 603: nerSuccesses &+= 1
            case 300..<400: redirects &+= 1
            default: break
            }
        } else if call.isConnected {
            nerSuccesses &+= 1
        }
        if let pdd = call.pddMilliseconds {
            pddCount &+= 1
            pddMillisecondsSum &+= pdd
        }
        customerCharge &+= call.customerCharge
        providerCharge &+= call.providerCharge
    }
}

/// One call attempt as read from a CDR row, already converted from text.
public struct CallRecord: Sendable, Equatable {
    public var time: Int64
    public var durationSeconds: Int64
    /// nil when the format has no SIP code column; `isConnected` then follows the duration.
    public var sipCode: Int?
    public var pddMilliseconds: Int64?
    public var customerCharge: Int64
    public var providerCharge: Int64

    public init(time: Int64, durationSeconds: Int64, sipCode: Int?, pddMilliseconds: Int64?, customerCharge: Int64, providerCharge: Int64) {
        self.time = time
        self.durationSeconds = durationSeconds
        self.sipCode = sipCode
        self.pddMilliseconds = pddMilliseconds
        self.customerCharge = customerCharge
        self.providerCharge = providerCharge
    }

    /// A 2xx answer where the SIP code is known, else talk time > 0 (behaviour.md "Metrics and windows").
    public var isConnected: Bool {
        if let code = sipCode { return (200..<300).contains(code) }
        return durationSeconds > 0
    }
}
