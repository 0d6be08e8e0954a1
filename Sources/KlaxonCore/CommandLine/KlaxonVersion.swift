/// What `klaxon --version` prints.
public enum KlaxonVersion {
    /// Raised with every release.
    public static let number = "0.1.0"

    /// The state format too: it decides which state folders this build can read.
    public static var text: String { "klaxon \(number) (state format \(KlaxonState.formatVersion))" }
}
