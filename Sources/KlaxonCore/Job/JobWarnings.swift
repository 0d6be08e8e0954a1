/// What `klaxon check` warns about without calling the job invalid: settings that
/// are well-formed but very likely not what was meant. A warning does not change
/// the exit code, because a run would do exactly what the job says.
public enum JobWarnings {
    /// Every warning for `job`, reading its committed state (read only) for the company ids.
    public static func all(_ job: Job) -> [Problem] {
        let store = StateStore(job: job)
        do {
            return all(job, state: try store.load())
        } catch {
            return all(job, state: nil) + [Problem(file: store.stateFile, message: "company ids not compared with the balance snapshot: \(error.message)")]
        }
    }

    /// Every warning for `job`, given its committed state (nil when there is none yet).
    public static func all(_ job: Job, state: KlaxonState?) -> [Problem] {
        DeliveryCheck.warnings(job) + RunSettingsCheck.warnings(job) + repeats(job) + (state.map { unknownCompanies(job, state: $0) } ?? [])
    }

    /// A `repeat` of at most half the `interval` is swallowed by the repeat tolerance
    /// (interval/2, behaviour.md "Alerts and the state machine"): the alert fires again on every run however often cron
    /// runs the job, which usually means `interval` was left at its default.
    static func repeats(_ job: Job) -> [Problem] {
        let half = job.interval.seconds / 2
        return job.alerts.compactMap { alert in
            guard let every = alert.repeatEvery, every.seconds <= half else { return nil }
            return Problem(file: alert.file, alert: alert.title, field: "repeat",
                           message: "\(every) is no more than half the job's interval (\(job.interval)), so the alert repeats on every run; "
                               + "set the job's `interval` to how often cron runs it (e.g. interval: \"5m\" for */5), or repeat less often")
        }
    }

    /// `company` and `companies` ids that the latest committed balance snapshot does
    /// not list: the run has no balance for them, and a typo there means the alert
    /// silently watches nobody. A warning, not a problem: the snapshot is data, and a
    /// company that leaves it for a while must not make the whole job invalid.
    static func unknownCompanies(_ job: Job, state: KlaxonState) -> [Problem] {
        guard job.balances != nil else { return [] }
        let listed = Set(state.meta.companies.filter { $0.value.inSnapshot }.map(\.key))
        // No snapshot taken yet: nothing to compare with.
        guard !listed.isEmpty else { return [] }
        return job.alerts.compactMap { alert in
            let (field, ids): (String, [String])
            switch alert.scope {
            case .company(let id): (field, ids) = ("company", [id])
            case .companies(let list): (field, ids) = ("companies", list)
            case .matching: return nil
            }
            let missing = ids.filter { !listed.contains($0) }
            guard !missing.isEmpty else { return nil }
            let unknown = missing.filter { state.meta.companies[$0] == nil }
            let absent = missing.filter { state.meta.companies[$0] != nil }
            var parts: [String] = []
            if !unknown.isEmpty {
                parts.append("\(quoted(unknown)) \(unknown.count == 1 ? "is" : "are") in no balance snapshot this job has read: "
                    + "the run knows no such company and evaluates nothing for \(unknown.count == 1 ? "it" : "them") (a typo?)")
            }
            if !absent.isEmpty {
                parts.append("\(quoted(absent)) \(absent.count == 1 ? "is" : "are") not in the latest balance snapshot, only in an earlier one: "
                    + "the run has no current balance or CDRs for \(absent.count == 1 ? "it" : "them") and keeps the alert's state as it is")
            }
            return Problem(file: alert.file, alert: alert.title, field: field, message: parts.joined(separator: "; "))
        }
    }

    private static func quoted(_ ids: [String]) -> String { ids.map { "\"\($0)\"" }.joined(separator: ", ") }
}
