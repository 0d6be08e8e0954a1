/// A recurring window from the job's `maintenance` list: during its hours of the
/// week (`HoursOfWeek`), the matching instances are silenced.
public struct MaintenanceWindow: Sendable {
    public var name: String
    /// Empty: every alert.
    public var alerts: [String]
    /// Both empty: every company; otherwise a company listed or carrying one of the tags.
    public var companies: [String]
    public var tags: [String]
    /// When it is open.
    public var hours: HoursOfWeek

    public func matches(alert title: String, company: Company) -> Bool {
        if !alerts.isEmpty, !alerts.contains(title) { return false }
        if companies.isEmpty && tags.isEmpty { return true }
        return companies.contains(company.id) || company.tags.contains { tags.contains($0) }
    }

    /// Whether `now` falls inside the window, by the wall clock of its zone.
    public func isActive(at now: Int64) -> Bool { hours.contains(now) }

    /// "maintenance \"nightly backup\"", as reports and status show it.
    public var label: String { "maintenance \"\(name)\"" }
}
