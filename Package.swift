// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Klaxon",
    // Linux only: the code reads st_mtim and calls sync_file_range (Linux calls),
    // so the package declares no Apple platform it could not build for.
    products: [
        .executable(name: "klaxon", targets: ["klaxon"]),
        .library(name: "KlaxonCore", targets: ["KlaxonCore"]),
    ],
    targets: [
        // Everything that decides or computes lives here, so that tests reach it directly.
        .target(name: "KlaxonCore", dependencies: ["CCurl"]),
        // The system libcurl (Debian's libcurl4-openssl-dev) with typed setters, since
        // curl_easy_setopt is variadic and Swift cannot call it.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The command: arguments, printing, exit codes.
        .executableTarget(name: "klaxon", dependencies: ["KlaxonCore"]),
        // Depends on the executable too: the crash and `--send` tests run the real `klaxon`.
        .testTarget(name: "KlaxonCoreTests", dependencies: ["KlaxonCore", "klaxon", "KlaxonTestSupport"]),
        // Runs the built `klaxon` on the files in fixtures/ and jobs/.
        .testTarget(name: "KlaxonEndToEndTests", dependencies: ["KlaxonCore", "klaxon", "KlaxonTestSupport"]),
        // Finds the repository and the built `klaxon` for both test targets.
        .target(name: "KlaxonTestSupport", path: "Tests/KlaxonTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
