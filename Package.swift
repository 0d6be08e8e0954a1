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
        // Three test tiers, each runnable alone (`swift test --filter KlaxonUnitTests`):
        // fast in-process tests of the library;
        .testTarget(name: "KlaxonUnitTests", dependencies: ["KlaxonCore", "KlaxonTestSupport"]),
        // real SMTP and HTTP servers on loopback, real scripts, and the built `klaxon` on jobs/ and fixtures/
        // (they depend on the executable so that it is built);
        .testTarget(name: "KlaxonIntegrationTests", dependencies: ["KlaxonCore", "klaxon", "KlaxonTestSupport"]),
        // the kill loop, the fuzz smoke, disk and server faults, hostile input, the report in Chromium.
        .testTarget(name: "KlaxonReliabilityTests", dependencies: ["KlaxonCore", "klaxon", "KlaxonTestSupport"]),
        // What the tiers share: scratch folders and jobs, the loopback servers, the built `klaxon`.
        // It reaches KlaxonCore's internals with @testable, so it builds in debug only (as tests do).
        .target(name: "KlaxonTestSupport", dependencies: ["KlaxonCore"], path: "Tests/KlaxonTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
