/// Where bytes stop being UTF-8: company ids, CSV fields and job files are all
/// checked by this one scan, so a bad byte is named at the same offset everywhere.
package enum UTF8Check {
    /// The offset of the first byte that does not start or continue a valid scalar; nil when all are valid.
    package static func firstInvalid(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }

    /// ASCII is checked first, since almost every field is.
    package static func isNotUTF8(_ field: CSVField) -> Bool {
        field.bytes.contains(where: { $0 >= 0x80 }) && firstInvalid(Array(field.bytes)) != nil
    }
}
