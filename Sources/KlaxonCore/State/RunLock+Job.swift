import Foundation
import KlaxonSystem

extension RunLock {
    /// The job's lock on its state folder, with the failures said as a run reports them:
    /// another run holding it exits 75 without touching anything, anything else is a state problem.
    public convenience init(stateDirectory: String) throws(KlaxonError) {
        do throws(Failure) {
            try self.init(folder: stateDirectory)
        } catch {
            switch error {
            case .held(let path):
                throw KlaxonError(.locked, "another run of this job holds the lock \(path); exiting without touching anything")
            case .unusable(let message):
                throw KlaxonError(.state, message)
            }
        }
    }
}
