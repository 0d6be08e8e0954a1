/// Numbers: decimal, hexadecimal, signed, with a leading or trailing point, Infinity and NaN.
extension JSON5Parser {
    mutating func number() throws(JSON5SyntaxError) -> Double {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
            let word = identifierText()
            if word == "Infinity" { return negative ? -.infinity : .infinity }
            if word == "NaN" { return .nan }
            i = start + 1
            guard i < bytes.count, isDigit(bytes[i]) || bytes[i] == UInt8(ascii: ".") else {
                throw failure("expected a number after '\(Character(Unicode.Scalar(bytes[start])))', found \(found())")
            }
        }
        if bytes[i] == UInt8(ascii: "0"), i + 1 < bytes.count, bytes[i + 1] | 0x20 == UInt8(ascii: "x") {
            i += 2
            var value = 0.0
            let digits = i
            while i < bytes.count, let d = hexValue(bytes[i]) { value = value * 16 + Double(d); i += 1 }
            if i == digits { throw failure("expected hexadecimal digits after 0x, found \(found())") }
            try endOfNumber(start)
            return negative ? -value : value
        }
        let digitsStart = i
        var integer: Int64 = 0
        var simple = true
        var count = 0
        while i < bytes.count, isDigit(bytes[i]) {
            integer = integer &* 10 &+ Int64(bytes[i] - UInt8(ascii: "0"))
            count += 1
            i += 1
        }
        if count > 1, bytes[digitsStart] == UInt8(ascii: "0") {
            i = digitsStart
            throw failure("a number cannot start with 0 followed by more digits (write \(Self.text(bytes, digitsStart + 1, digitsStart + count)) or \"0…\" as a string)")
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            simple = false
            i += 1
            var fraction = 0
            while i < bytes.count, isDigit(bytes[i]) { i += 1; fraction += 1 }
            if count == 0, fraction == 0 { i = start; throw failure("expected a number, found \(found())") }
        } else if count == 0 {
            throw failure("expected a digit, found \(found())")
        }
        if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
            simple = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let exponent = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            if i == exponent { throw failure("expected the exponent's digits after 'e', found \(found())") }
        }
        try endOfNumber(start)
        // Up to 15 digits an integer is exact as a double; longer or with a fraction, the standard conversion.
        if simple, count <= 15 { return negative ? -Double(integer) : Double(integer) }
        let text = Self.text(bytes, bytes[start] == UInt8(ascii: "+") ? start + 1 : start, i)
        guard let value = Double(text) else { i = start; throw failure("\(text) is not a number") }
        return value
    }

    /// `12abc` is not a number followed by a word: say so at the number.
    mutating func endOfNumber(_ start: Int) throws(JSON5SyntaxError) {
        if i < bytes.count, isIdentifierStart(bytes[i]) || isDigit(bytes[i]) {
            let at = i
            while i < bytes.count, isIdentifierPart(bytes[i]) { i += 1 }
            let text = Self.text(bytes, start, i)
            i = at
            throw failure("\(text) is not a number (text needs quotes: \"\(text)\")")
        }
    }
}
