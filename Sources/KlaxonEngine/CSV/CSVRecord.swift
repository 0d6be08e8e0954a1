/// One well-formed record, lent to the `CSVReader.read` record callback.
///
/// Non-copyable so that a record cannot be stored past the callback by accident:
/// its fields point into the reader's buffer, which is reused for the next record.
public struct CSVRecord: ~Copyable {
    /// 1-based physical line on which the record starts (newlines inside quoted
    /// fields count, so the next record's line accounts for them).
    public let line: Int
    /// Number of fields; at least 1 (an empty line is not a record).
    public let count: Int

    @usableFromInline package let base: UnsafePointer<UInt8>
    /// Pairs of (start, end) offsets into `base`, one pair per field.
    @usableFromInline package let spans: UnsafePointer<Int32>

    package init(line: Int, count: Int, base: UnsafePointer<UInt8>, spans: UnsafePointer<Int32>) {
        self.line = line
        self.count = count
        self.base = base
        self.spans = spans
    }

    /// The field at `index`; traps when `index` is not in `0..<count`.
    @inlinable
    public subscript(index: Int) -> CSVField {
        precondition(index >= 0 && index < count, "CSV field index \(index) out of range 0..<\(count)")
        let start = Int(spans[2 &* index])
        let end = Int(spans[2 &* index &+ 1])
        return CSVField(bytes: UnsafeBufferPointer(start: base + start, count: end &- start))
    }

    /// The field at `index`, or nil for a short (ragged) record.
    @inlinable
    public func field(_ index: Int) -> CSVField? {
        index >= 0 && index < count ? self[index] : nil
    }

    /// All fields decoded as Strings; allocates, meant for headers, messages and tests.
    public var strings: [String] {
        (0..<count).map { self[$0].string }
    }
}

/// A record the reader could not parse, reported instead of yielded.
public struct CSVMalformedRecord: Sendable, Equatable, CustomStringConvertible {
    /// 1-based physical line on which the bad record starts.
    public let line: Int
    /// Human-readable reason, e.g. "unterminated quoted field at end of input".
    public let reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}
