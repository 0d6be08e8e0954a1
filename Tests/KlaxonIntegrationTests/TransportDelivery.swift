import Foundation
import Testing
@testable import KlaxonCore
@testable import KlaxonTestSupport

/// One run's delivery of `outbox` through the real transports (`TransportSink`, one
/// `TransportSession`), journaled in `scratch`, with no warnings expected.
func deliverThroughTransports(_ outbox: [OutboxItem], job: Job, _ scratch: Scratch) -> [Outbox.Outcome] {
    var outbox = outbox
    var warnings: [String] = []
    let outcomes = Outbox(settings: job.delivery, journal: DeliveryJournal(path: scratch.url("delivery.journal")),
                          penaltyLog: scratch.url("penalties.log"), now: 1_000)
        .deliver(&outbox, through: TransportSink(job: job), warnings: &warnings)
    #expect(warnings.isEmpty)
    return outcomes
}
