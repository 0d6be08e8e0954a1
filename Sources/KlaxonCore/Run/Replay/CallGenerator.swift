import Foundation

/// Expands a scenario's call and company descriptions into connexcs CSV exports.
enum CallGenerator {
    static let cdrHeader = "dt,callid,customer_id,provider_id,dest_number,duration,sip_code,pdd,customer_charge,provider_charge"

    /// `{customer, provider, at, count, connected, duration, spread, fail_code, pdd, charge, cost}`:
    /// `count` attempts from `at`, evenly over `spread` (default 1m), the first `connected` answered.
    /// `dest` is the called prefix (each call gets its own number under it), `same_number: true`
    /// calls `dest` itself every time; `duration` is each answered call's length in seconds.
    static func csv(_ groups: [JSONValue], step: Int, file: String) throws(KlaxonError) -> String {
        var lines = [cdrHeader]
        var serial = 0
        for group in groups {
            guard let customer = group["customer"]?.stringValue, let atText = group["at"]?.stringValue, let at = ISO8601Parsing.date(atText) else {
                throw KlaxonError(.invalidJob, "\(file): step \(step): each calls entry needs `customer` and `at`")
            }
            let provider = group["provider"]?.stringValue ?? ""
            let count = Int(group["count"]?.numberValue ?? 1)
            let connected = Int(group["connected"]?.numberValue ?? 0)
            let duration = Int(group["duration"]?.numberValue ?? 60)
            let spread = group["spread"]?.stringValue.flatMap { TimeSpan(parsing: $0) }?.seconds ?? 60
            let failCode = Int(group["fail_code"]?.numberValue ?? 503)
            let pdd = group["pdd"]?.numberValue.map { String(Int($0)) } ?? ""
            let charge = group["charge"]?.numberValue ?? 0
            let cost = group["cost"]?.numberValue ?? 0
            let start = Int64(at.timeIntervalSince1970)
            let dest = group["dest"]?.stringValue ?? "4420795"
            let sameNumber = group["same_number"]?.boolValue ?? false
            for i in 0..<max(count, 0) {
                serial += 1
                let t = start + Int64(i) * spread / Int64(max(count, 1))
                let answered = i < connected
                let stamp = ValueFormatter.timestamp(t).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
                let money = { (x: Double) in answered ? String(format: "%.4f", locale: Locale(identifier: "en_US_POSIX"), x) : "0" }
                lines.append([stamp, "call-\(step)-\(serial)", customer, provider, sameNumber ? dest : "\(dest)\(String(format: "%05d", serial % 100_000))",
                              answered ? String(duration) : "0", answered ? "200" : String(failCode), pdd,
                              money(charge), money(cost)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{id, name, type, credit, debit_limit, currency, email, phone, tags}` rows of a balance snapshot.
    /// RFC 4180 quoting only: this file is Klaxon's input, so a phone number's `+` must stay
    /// as written (CSVCell's formula guard is for reports a spreadsheet opens).
    static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func balances(_ companies: [JSONValue], step: Int, file: String) throws(KlaxonError) -> String {
        var lines = [BalanceField.allCases.map(\.rawValue).joined(separator: ",")]
        for c in companies {
            guard let object = c.objectValue, object["id"]?.stringValue != nil else {
                throw KlaxonError(.invalidJob, "\(file): step \(step): each company needs an `id`")
            }
            lines.append(BalanceField.allCases.map { field -> String in
                switch object[field.rawValue] {
                case .string(let s)?: return Self.quoted(s)
                case .number(let n)?: return String(n)
                default: return ""
                }
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
