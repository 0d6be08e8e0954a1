import Foundation

/// Formats metric values for people: ASR `27.5%`, money `12.50 USD`, ACD `2m05s`.
public enum ValueFormatter {
    public static func format(_ value: Double, area: Area, currency: String) -> String {
        switch area {
        case .asr, .ner: return trimmed(value, decimals: 1) + "%"
        case .acd: return duration(seconds: value)
        case .pdd: return "\(Int(value.rounded())) ms"
        case .balance, .availableCredit, .spend, .profit:
            let amount = String(format: "%.2f", locale: Locale(identifier: "en_US_POSIX"), value)
            return currency.isEmpty ? amount : "\(amount) \(currency)"
        case .attempts, .connected, .consecutiveFailures: return String(Int64(value.rounded()))
        case .minutes, .script: return trimmed(value, decimals: 2)
        }
    }

    /// `2m05s`, `45s`, `1h02m03s`.
    public static func duration(seconds: Double) -> String {
        let total = Int64(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        if h > 0 { return String(format: "%dh%02dm%02ds", h, m, s) }
        if m > 0 { return String(format: "%dm%02ds", m, s) }
        return "\(s)s"
    }

    static func trimmed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", locale: Locale(identifier: "en_US_POSIX"), value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// ISO 8601 in UTC, to the second: the form every message and report uses.
    public static func timestamp(_ epochSeconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
    }
}
