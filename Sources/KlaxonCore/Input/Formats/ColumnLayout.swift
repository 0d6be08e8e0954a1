/// Where each field sits in the rows of one file, worked out from the format,
/// the job's `columns` overrides and the file's header row if it has one.
public struct ColumnLayout<Field: RawRepresentable & CaseIterable & Hashable & Sendable>: Sendable where Field.RawValue == String {
    /// Field → 0-based column; a field absent from the file has no entry.
    public private(set) var index: [Field: Int] = [:]
    /// The number of columns a well-formed row has, when the file says (header row); nil otherwise.
    public private(set) var width: Int?
    /// The field counts a well-formed row may have: the header's, or for a headerless
    /// file the format's own. Extra fields are never ignored: an unquoted decimal
    /// comma (`0,05`) makes one, and would shift a charge into a column nobody reads.
    public private(set) var widths: ClosedRange<Int>?

    public subscript(field: Field) -> Int? { index[field] }

    /// The layout of a file with a header row. Header names match case-insensitively.
    public static func fromHeader(_ header: [String], overrides: [String: ColumnRef], defaultNames: [Field: String]) -> ColumnLayout {
        var layout = ColumnLayout()
        layout.width = header.count
        layout.widths = header.count...header.count
        let normalized = header.map { $0.trimmingWhitespace.lowercased() }
        for field in Field.allCases {
            switch overrides[field.rawValue] {
            case .index(let i)?:
                layout.index[field] = i
            case .header(let name)?:
                layout.index[field] = normalized.firstIndex(of: name.lowercased())
            case nil:
                if let name = defaultNames[field] { layout.index[field] = normalized.firstIndex(of: name.lowercased()) }
            }
        }
        return layout
    }

    /// The layout of a headerless file: fixed positions, overridable by index. `widths` is
    /// the format's field counts, widened to reach the columns the job maps by number.
    public static func positional(_ positions: [Field: Int], overrides: [String: ColumnRef], widths: ClosedRange<Int>) -> ColumnLayout {
        var layout = ColumnLayout()
        layout.index = positions
        for field in Field.allCases {
            if case .index(let i)? = overrides[field.rawValue] { layout.index[field] = i }
        }
        let least = layout.requiredWidth
        layout.widths = max(widths.lowerBound, least)...max(widths.upperBound, least)
        return layout
    }

    /// Why a row of `count` fields is malformed, or nil when its count is one the file's rows may have.
    public func fieldCountProblem(_ count: Int) -> String? {
        guard let widths, !widths.contains(count) else { return nil }
        return ColumnLayout.fieldCountProblem(count, widths: widths, fromHeader: width != nil)
    }

    static func fieldCountProblem(_ count: Int, widths: ClosedRange<Int>, fromHeader: Bool) -> String {
        let expected = widths.count == 1 ? "\(widths.lowerBound)" : "\(widths.lowerBound) to \(widths.upperBound)"
        let hint = count > widths.upperBound ? " (an unquoted decimal comma, as in 0,05, splits a number in two)" : ""
        return fromHeader ? "wrong field count: \(count) fields, the header has \(expected)\(hint)"
                          : "wrong field count: \(count) fields, a row of this format without a header has \(expected)\(hint)"
    }

    /// Fields that are required but have no column, for a whole-file rejection message.
    public func missing(_ required: [Field]) -> [Field] { required.filter { index[$0] == nil } }

    /// The highest column index used: shorter rows cannot be read.
    public var requiredWidth: Int { (index.values.max() ?? -1) + 1 }
}
