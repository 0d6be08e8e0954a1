/// The fields Klaxon reads from a CDR row (behaviour.md "Inputs"), named as in ConnexCS's raw CDRs.
public enum CDRField: String, Sendable, CaseIterable {
    case dt, callid
    case customerID = "customer_id"
    case providerID = "provider_id"
    case destNumber = "dest_number"
    case duration
    case sipCode = "sip_code"
    case pdd
    case customerCharge = "customer_charge"
    case providerCharge = "provider_charge"
    /// When the call was answered; empty when it never was. Only FreeSWITCH reads it,
    /// to tell an answered NORMAL_CLEARING from an unanswered one.
    case answerStamp = "answer_stamp"
}

/// The fields of a balance snapshot row.
public enum BalanceField: String, Sendable, CaseIterable {
    case id, name, type, status, credit
    case debitLimit = "debit_limit"
    case currency, email, phone, tags
}
