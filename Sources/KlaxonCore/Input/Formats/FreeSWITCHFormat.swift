/// FreeSWITCH's mod_cdr_csv with its stock `example` template: no header, every
/// value in double quotes (not escaped inside), one call leg per line, stamps
/// written `%Y-%m-%d %T` in the switch's local time (the input's `timezone`),
/// and an empty `answer_stamp` for a call that was never answered.
enum FreeSWITCHFormat {
    /// The `example` template's variables, in the order it writes them.
    static let templateColumns = [
        "caller_id_name", "caller_id_number", "destination_number", "context", "start_stamp", "answer_stamp",
        "end_stamp", "duration", "billsec", "hangup_cause", "uuid", "bleg_uuid", "accountcode", "read_codec", "write_codec",
    ]

    /// Klaxon field → template variable. `billsec` (answered seconds) is the talk
    /// time; `duration` there is the whole call including ringing. The template
    /// names no carrier: map `provider_id` with `columns` when a custom template
    /// adds one (e.g. `${sip_gateway_name}`).
    static let fields: [CDRField: String] = [
        .dt: "start_stamp", .answerStamp: "answer_stamp", .duration: "billsec", .sipCode: "hangup_cause",
        .callid: "uuid", .customerID: "accountcode", .destNumber: "destination_number",
    ]

    static var cdrFormat: CDRFormat {
        var format = CDRFormat(name: .freeswitch, headerNames: fields,
                               positions: fields.compactMapValues { templateColumns.firstIndex(of: $0) })
        format.outcome = .hangupCause
        format.positionalWidths = templateColumns.count...templateColumns.count
        return format
    }
}

/// FreeSWITCH hangup causes as SIP final responses.
///
/// An answered call's INVITE was answered 200, whatever cause later ended it.
/// An unanswered call's cause maps as FreeSWITCH itself maps it when it refuses
/// an INVITE (mod_sofia's `hangup_cause_to_sip`, after RFC 4497 §8.4.1 and
/// RFC 3398 §8.2.6.1); every other cause, NORMAL_CLEARING before an answer
/// included, is 480 there too.
enum HangupCause {
    static let sipCodes: [String: Int] = [
        "UNALLOCATED_NUMBER": 404, "NO_ROUTE_TRANSIT_NET": 404, "NO_ROUTE_DESTINATION": 404,
        "USER_BUSY": 486,
        "NO_USER_RESPONSE": 408,
        "NO_ANSWER": 480, "SUBSCRIBER_ABSENT": 480, "NORMAL_UNSPECIFIED": 480,
        "CALL_REJECTED": 603,
        "NUMBER_CHANGED": 410, "REDIRECTION_TO_NEW_DESTINATION": 410,
        "DESTINATION_OUT_OF_ORDER": 502, "INVALID_PROFILE": 502,
        "INVALID_NUMBER_FORMAT": 484, "INVALID_URL": 484, "INVALID_GATEWAY": 484,
        "FACILITY_REJECTED": 501, "FACILITY_NOT_IMPLEMENTED": 501, "SERVICE_NOT_IMPLEMENTED": 501,
        "REQUESTED_CHAN_UNAVAIL": 503, "NORMAL_CIRCUIT_CONGESTION": 503, "NETWORK_OUT_OF_ORDER": 503,
        "NORMAL_TEMPORARY_FAILURE": 503, "SWITCH_CONGESTION": 503, "GATEWAY_DOWN": 503, "BEARERCAPABILITY_NOTAVAIL": 503,
        "OUTGOING_CALL_BARRED": 403, "INCOMING_CALL_BARRED": 403, "BEARERCAPABILITY_NOTAUTH": 403,
        "BEARERCAPABILITY_NOTIMPL": 488, "INCOMPATIBLE_DESTINATION": 488,
        "RECOVERY_ON_TIMER_EXPIRE": 504,
        "ORIGINATOR_CANCEL": 487,
        "EXCHANGE_ROUTING_ERROR": 483,
    ]

    /// What mod_sofia answers for a cause it has no entry for.
    static let fallback = 480

    /// The SIP code for `text`: a cause name (any upper-case `A-Z 0-9 _` word, so
    /// causes newer than this table still read), or a code written as `486` or
    /// `sip:486` (a custom template's `${sip_term_status}` or
    /// `${proto_specific_hangup_cause}`). Nil for anything else.
    static func sipCode(_ text: String, answered: Bool) -> Int? {
        let trimmed = text.trimmingWhitespace
        let digits = trimmed.lowercased().hasPrefix("sip:") ? String(trimmed.dropFirst(4)) : trimmed
        if let code = Int(digits), (100...699).contains(code) { return code }
        let name = trimmed.uppercased()
        guard !name.isEmpty, name.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }),
              name.first.map({ ("A"..."Z").contains($0) }) == true
        else { return nil }
        if answered { return 200 }
        return sipCodes[name] ?? fallback
    }
}
