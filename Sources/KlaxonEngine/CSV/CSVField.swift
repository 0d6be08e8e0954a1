#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One field of a `CSVRecord`: a view of the field's final bytes (quotes removed,
/// doubled quotes already collapsed) inside the reader's buffer.
///
/// The view is valid only while the record callback that produced it runs; the
/// reader overwrites the bytes afterwards. Copy out (`string`, or a parse from
/// `ByteParsing`) whatever has to outlive the callback.
public struct CSVField {
    /// The field's content bytes; no quotes, no line terminator.
    public let bytes: UnsafeBufferPointer<UInt8>

    @inlinable
    public init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Number of bytes in the field.
    @inlinable
    public var count: Int { bytes.count }

    /// True for an empty field (`a,,b` or `a,"",b`).
    @inlinable
    public var isEmpty: Bool { bytes.isEmpty }

    /// The field decoded as UTF-8; invalid sequences become U+FFFD.
    /// Allocates, so keep it off per-row hot paths where a byte comparison will do.
    public var string: String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// Byte-wise comparison with a literal, without creating a String.
    @inlinable
    public func equals(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { equals(bytes: $0) }
    }

    /// Byte-wise comparison with the UTF-8 form of `text` (no Unicode normalisation).
    public func equals(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { equals(bytes: $0) }
    }

    @usableFromInline
    package func equals(bytes other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard other.count == bytes.count else { return false }
        guard let lhs = bytes.baseAddress, let rhs = other.baseAddress else { return true }
        return memcmp(lhs, rhs, bytes.count) == 0
    }
}
