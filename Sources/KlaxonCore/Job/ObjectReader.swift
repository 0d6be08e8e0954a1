/// Reads typed fields out of one JSON object of a job or alert file, recording
/// a `Problem` for every field that is missing, mistyped or unknown.
struct ObjectReader {
    let object: [String: JSONValue]
    let file: String
    let alert: String?
    let path: String
    /// The keys asked for. A list, not a set: an object has a dozen keys at most, and
    /// hashing each key twice cost a third of loading a job of 100,000 alerts.
    private(set) var seen: [String] = []
    private(set) var problems: [Problem] = []

    init(_ object: [String: JSONValue], file: String, alert: String? = nil, path: String = "") {
        self.object = object
        self.file = file
        self.alert = alert
        self.path = path
        seen.reserveCapacity(object.count + 8)
    }

    func fieldName(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func problem(_ key: String, _ message: String) {
        problems.append(Problem(file: file, alert: alert, field: fieldName(key), message: message))
    }

    mutating func has(_ key: String) -> Bool {
        seen.append(key)
        if case .null? = object[key] { return false }
        return object[key] != nil
    }

    mutating func raw(_ key: String) -> JSONValue? {
        seen.append(key)
        if case .null? = object[key] { return nil }
        return object[key]
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = raw(key) else {
            if required { problem(key, "is required") }
            return nil
        }
        guard let s = value.stringValue else {
            problem(key, "expected a string, found \(value.kindName)")
            return nil
        }
        return s
    }

    mutating func number(_ key: String, required: Bool = false) -> Double? {
        guard let value = raw(key) else {
            if required { problem(key, "is required") }
            return nil
        }
        if let n = value.numberValue, n.isFinite { return n }
        if let s = value.stringValue, let n = Double(s), n.isFinite { return n }
        problem(key, "expected a number, found \(value.kindName)")
        return nil
    }

    mutating func integer(_ key: String) -> Int? {
        guard let n = number(key) else { return nil }
        guard n >= 0, n == n.rounded(), n < 1e12 else {
            problem(key, "expected a whole number ≥ 0, found \(n)")
            return nil
        }
        return Int(n)
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard let b = value.boolValue else {
            problem(key, "expected true or false, found \(value.kindName)")
            return nil
        }
        return b
    }

    mutating func duration(_ key: String, required: Bool = false, allowZero: Bool = false) -> TimeSpan? {
        guard let text = string(key, required: required) else { return nil }
        guard let span = TimeSpan(parsing: text, allowZero: allowZero) else {
            problem(key, TimeSpan.tooLong(text) ?? "malformed duration \"\(text)\"; write e.g. 30s, 5m, 1h, 1d or 1h30m")
            return nil
        }
        return span
    }

    mutating func object(_ key: String) -> ObjectReader? {
        guard let value = raw(key) else { return nil }
        guard let o = value.objectValue else {
            problem(key, "expected an object, found \(value.kindName)")
            return nil
        }
        return ObjectReader(o, file: file, alert: alert, path: fieldName(key))
    }

    /// A list of strings; a single string is accepted as a list of one.
    mutating func strings(_ key: String) -> [String]? {
        guard let value = raw(key) else { return nil }
        if let s = value.stringValue { return [s] }
        guard let a = value.arrayValue else {
            problem(key, "expected a list of strings, found \(value.kindName)")
            return nil
        }
        var out: [String] = []
        for (i, item) in a.enumerated() {
            guard let s = item.stringValue else {
                problem("\(key)[\(i)]", "expected a string, found \(item.kindName)")
                continue
            }
            out.append(s)
        }
        return out
    }

    /// Reports the keys nobody asked for, which are almost always typos.
    mutating func rejectUnknownKeys() {
        // Sorted only when there is something to report: most objects have no unknown key.
        for key in object.keys.filter({ !seen.contains($0) }).sorted() {
            problem(key, "unknown field")
        }
    }

    /// Merges a nested reader's problems into this one.
    mutating func absorb(_ nested: ObjectReader) {
        problems.append(contentsOf: nested.problems)
    }
}
