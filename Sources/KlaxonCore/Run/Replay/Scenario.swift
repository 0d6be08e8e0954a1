import Foundation

/// A replayable scenario (`klaxon replay`): a job, then steps that each drop
/// files, run at a given `now`, and state what must have happened.
struct Scenario {
    struct Drop {
        var input: String
        var name: String
        var content: String
    }

    struct Expectation: Equatable {
        /// "alert title/company id" entries; an omitted list means "none".
        var fired: Set<String> = []
        var repeated: Set<String> = []
        var reset: Set<String> = []
        var penaltiesApplied: Set<String> = []
        var penaltiesLifted: Set<String> = []
        /// Notifications per channel, when the step states it.
        var emails: Int?
        var sms: Int?
        /// Per-recipient counts, companies and texts, and a count of firings (behaviour.md "Grouped notifications").
        var messages = MessageExpectations()
        /// Firings and repeats swallowed by a silence or a maintenance window.
        var silenced: Set<String> = []
        /// "kind alert/company" of each sent message, when the step states it.
        var notices: Set<String>?
        /// Firings at level critical (`levels`), when the step states them.
        var critical: Set<String>?
        /// Instances with insufficient data, when the step states them.
        var insufficient: Set<String>?
    }

    struct Step {
        var now: Date
        var note: String
        var drops: [Drop]
        var expect: Expectation
        var silences: [ScenarioSilence] = []
        var expire: [Int] = []
    }

    var file: String
    var description: String
    /// The job, with paths made absolute against the file that wrote them.
    var job: [String: JSONValue]
    /// The folder the job's relative paths start from: the job file's, or the scenario's for an inline job.
    var jobFolder: String
    var steps: [Step]
}
