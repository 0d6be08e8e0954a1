/// A customer or carrier as the balance snapshot (or, lacking one, the CDRs) describe it.
public struct Company: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case customer, carrier }
    public enum Status: String, Sendable, Codable, CaseIterable { case active, inactive, penalty, pending }

    public var id: String
    public var name: String
    public var type: Kind
    public var status: Status
    /// nil when the company is known only from CDRs: balance alerts then have no value.
    public var credit: Double?
    public var debitLimit: Double
    public var currency: String
    public var emails: [String]
    public var phones: [String]
    public var tags: [String]

    public init(id: String, name: String = "", type: Kind = .customer, status: Status = .active,
                credit: Double? = nil, debitLimit: Double = 0, currency: String = "",
                emails: [String] = [], phones: [String] = [], tags: [String] = []) {
        self.id = id
        self.name = name.isEmpty ? id : name
        self.type = type
        self.status = status
        self.credit = credit
        self.debitLimit = debitLimit
        self.currency = currency
        self.emails = emails
        self.phones = phones
        self.tags = tags
    }
}
