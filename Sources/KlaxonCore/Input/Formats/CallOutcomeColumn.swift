import KlaxonEngine
/// What a format writes in the column Klaxon reads as `sip_code`: how the call
/// ended. Each convention is turned into the final SIP response code, which is
/// all the metrics look at (2xx = connected; 200/480/486/600/603 = NER success;
/// 3xx = left out of NER).
enum CallOutcomeColumn: Sendable, Equatable {
    /// ConnexCS: the final SIP response code itself.
    case sipCode
    /// FreeSWITCH: `hangup_cause` (see `HangupCause`).
    case hangupCause
    /// Asterisk: `disposition` (see `AsteriskFormat.sipCode(disposition:)`).
    case disposition

    /// The SIP code of `field`, or nil when it is not this convention's kind of value.
    /// `answered`: whether the row says the call was answered (FreeSWITCH's `answer_stamp`).
    func sipCode(_ field: CSVField, answered: Bool) -> Int? {
        switch self {
        case .sipCode:
            guard let c = FieldParsing.integer(field), (100...699).contains(c) else { return nil }
            return Int(c)
        case .hangupCause:
            return HangupCause.sipCode(field.string, answered: answered)
        case .disposition:
            return AsteriskFormat.sipCode(disposition: field.string)
        }
    }

    /// What a well-formed value looks like, for rejection messages.
    var expected: String {
        switch self {
        case .sipCode: "a SIP response code 100–699"
        case .hangupCause: "a FreeSWITCH hangup cause such as NORMAL_CLEARING or USER_BUSY, or a SIP code"
        case .disposition: "ANSWERED, NO ANSWER, BUSY, FAILED or CONGESTION"
        }
    }
}
