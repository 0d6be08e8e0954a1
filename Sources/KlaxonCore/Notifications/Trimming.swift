import Foundation

/// The two whitespace sets messages are trimmed of.
enum Blank {
    case whitespaces, whitespacesAndNewlines

    var characters: CharacterSet {
        switch self {
        case .whitespaces: .whitespaces
        case .whitespacesAndNewlines: .whitespacesAndNewlines
        }
    }
}

extension String {
    /// `trimmingCharacters(in:)` of `blank`'s set. Foundation's costs a few
    /// microseconds a call on Linux, and every message is trimmed several
    /// times, nearly always of nothing: text that starts and ends with
    /// printable ASCII other than space has nothing either set holds at its
    /// ends, and is returned as it is.
    func trimming(_ blank: Blank) -> String {
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        return trimmingCharacters(in: blank.characters)
    }
}
