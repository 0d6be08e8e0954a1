/// Whether an instance is silenced now, and by what: the operator's silences
/// (`STATE/silences.json`) and the job's maintenance windows. The evaluator
/// asks it once per instance, before anything is notified.
public struct Silencer: Sendable {
    let silences: [Silence]
    let windows: [MaintenanceWindow]

    public init(silences: [Silence], windows: [MaintenanceWindow], now: Int64) {
        self.silences = silences.filter { $0.isActive(at: now) }
        // A window's calendar is worked out once per run, not once per instance.
        self.windows = windows.filter { $0.isActive(at: now) }
    }

    public static let none = Silencer(silences: [], windows: [], now: 0)

    public var isEmpty: Bool { silences.isEmpty && windows.isEmpty }

    /// What silences the instance ("silence 3 until …", "maintenance \"nightly\""), or nil.
    public func reason(alert: String, company: Company) -> String? {
        guard !isEmpty else { return nil }
        if let s = silences.first(where: { $0.matches(alert: alert, company: company) }) { return s.label }
        return windows.first { $0.matches(alert: alert, company: company) }?.label
    }
}
