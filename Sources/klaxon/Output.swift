import Foundation
import KlaxonCore

/// Exit codes of behaviour.md "Operators' interfaces".
enum ExitCode: Int32 {
    case clean = 0, invalid = 1, partial = 2, state = 3, locked = 75
}

/// Concise human output on stdout; warnings and errors on stderr.
struct Output: Sendable {
    var quiet = false

    func say(_ text: String) {
        guard !quiet, !text.isEmpty else { return }
        print(text)
    }

    func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a failure and returns the exit code it maps to.
    func fail(_ error: KlaxonError) -> ExitCode {
        warn("klaxon: " + error.description)
        switch error.kind {
        case .invalidJob: return .invalid
        case .state, .input: return .state
        case .locked: return .locked
        }
    }
}
