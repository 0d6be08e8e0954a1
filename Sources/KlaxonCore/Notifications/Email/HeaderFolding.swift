/// Folds header fields into lines (RFC 5322 §2.2.3).
///
/// Callers hand over the field body already cut into `pieces`: runs of text
/// that must stay on one line (an encoded-word, a quoted-string, `<addr>,`).
/// Pieces are joined by a single space, which is the only place a fold
/// (CRLF before that space) is ever inserted, so unfolding (deleting the CRLFs)
/// gives back exactly the pieces joined by spaces.
enum HeaderFolding {
    /// RFC 5322 §2.1.1: lines SHOULD be at most 78 characters, excluding CRLF.
    static let recommendedLineLength = 78
    /// RFC 2047 §2: a line holding an encoded-word is limited to 76 characters.
    static let encodedWordLineLength = 76
    /// RFC 5322 §2.1.1: lines MUST be at most 998 characters, excluding CRLF.
    static let maximumLineLength = 998

    /// Returns `Name: piece piece…` folded greedily to `limit`, lines joined by
    /// CRLF, without a trailing CRLF.
    ///
    /// A piece that cannot fit after what is already on a line goes to a new
    /// line. When even the first piece does not fit after `Name:`, the fold
    /// goes right after the colon (allowed: FWS may precede any token), unless
    /// the piece would not fit on a line of its own either, in which case
    /// folding would only add an empty-looking line and gain nothing.
    static func fold(name: String, pieces: [String], limit: Int) -> String {
        var lines: [String] = []
        var current = name + ":"
        var currentLength = current.utf8.count
        var lineHasPiece = false
        for piece in pieces {
            let pieceLength = piece.utf8.count
            if currentLength + 1 + pieceLength <= limit {
                current += " " + piece
                currentLength += 1 + pieceLength
            } else if lineHasPiece || 1 + pieceLength <= limit {
                lines.append(current)
                current = " " + piece
                currentLength = 1 + pieceLength
            } else {
                current += " " + piece
                currentLength += 1 + pieceLength
            }
            lineHasPiece = true
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// Cuts unstructured text (Subject, X- headers) at the spaces where a fold
    /// may go: one that is followed by a non-space. Extra spaces in a run stay
    /// attached to the piece before them so that joining with single spaces
    /// restores the text exactly. Expects `text` trimmed of outer whitespace.
    static func unstructuredPieces(_ text: String) -> [String] {
        var pieces: [String] = []
        for part in text.split(separator: " ", omittingEmptySubsequences: false) {
            if part.isEmpty, let last = pieces.last {
                pieces[pieces.count - 1] = last + " "
            } else {
                pieces.append(String(part))
            }
        }
        return pieces.filter { !$0.isEmpty }
    }

    /// Renders an unstructured field: plain when it is printable ASCII and every
    /// piece fits the hard limit, otherwise as RFC 2047 encoded-words (which can
    /// carry any text and are always short enough).
    static func unstructuredField(name: String, value: String) -> String {
        let clean = HeaderSafety.strippingLineBreaks(value).trimming(.whitespaces)
        let plainPieces = unstructuredPieces(clean)
        // The longest line a plain piece could produce is "Name: piece".
        let tooLong = plainPieces.contains { name.utf8.count + 2 + $0.utf8.count > maximumLineLength }
        if !EncodedWord.needsEncoding(clean) && !tooLong {
            return fold(name: name, pieces: plainPieces, limit: recommendedLineLength)
        }
        // Size the first word to fit after "Name: " so the field does not
        // start with an awkward fold right after the colon.
        let firstRoom = encodedWordLineLength - (name.utf8.count + 2)
        let words = EncodedWord.encode(clean, firstWordMaximumLength: firstRoom)
        return fold(name: name, pieces: words, limit: encodedWordLineLength)
    }
}
