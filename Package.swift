// swift-tools-version:6.0
import PackageDescription

// Release builds optimise across the targets' boundaries, so the row loop of the
// domain's readers inlines the engine's byte parsing as it did in one module.
let crossModule: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

let package = Package(
    name: "Klaxon",
    // Linux only: the code reads st_mtim and calls sync_file_range (Linux calls),
    // so the package declares no Apple platform it could not build for.
    products: [
        .executable(name: "klaxon", targets: ["klaxon"]),
    ],
    targets: [
        // The layers, bottom up; each may use only the ones below it, and they share
        // `package` declarations, so nothing is public for the others' sake.
        //
        // The system layer: the code that talks to the kernel and to libcurl — atomic
        // files, the run lock, listed files, spawned processes, threads, curl transfers.
        .target(name: "KlaxonSystem", dependencies: ["CCurl"], swiftSettings: crossModule),
        // The bucket engine: CSV and byte parsing, the company table, the raw staging
        // memory of a read, minute buckets and their encoding, digests. All unsafe
        // memory of the ingest lives here, each block with one owner.
        .target(name: "KlaxonEngine", dependencies: ["KlaxonSystem"], swiftSettings: crossModule),
        // The domain, in safe Swift: the job, inputs, metrics, alerts, notifications,
        // delivery, penalties, state, reports, and the runner that strings them together.
        .target(name: "KlaxonCore", dependencies: ["KlaxonEngine", "KlaxonSystem", "CCurl"], swiftSettings: crossModule),
        // The system libcurl (Debian's libcurl4-openssl-dev) with typed setters, since
        // curl_easy_setopt is variadic and Swift cannot call it.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The command: arguments, printing, exit codes.
        .executableTarget(name: "klaxon", dependencies: ["KlaxonCore"], swiftSettings: crossModule),
        // Three test tiers, each runnable alone (`swift test --filter KlaxonUnitTests`):
        // fast in-process tests of the library;
        .testTarget(name: "KlaxonUnitTests", dependencies: ["KlaxonCore", "KlaxonTestSupport"]),
        // real SMTP and HTTP servers on loopback, real scripts, and the built `klaxon` on jobs/ and fixtures/
        // (they depend on the executable so that it is built);
        .testTarget(name: "KlaxonIntegrationTests", dependencies: ["KlaxonCore", "klaxon", "KlaxonTestSupport"]),
        // the kill loop, the fuzz smoke, disk and server faults, hostile input, the report in Chromium.
        .testTarget(name: "KlaxonReliabilityTests", dependencies: ["KlaxonCore", "klaxon", "KlaxonTestSupport"]),
        // What the tiers share: scratch folders and jobs, the loopback servers, the built `klaxon`.
        // It reaches the targets' internals with @testable and re-exports them, so it builds in
        // debug only (as tests do).
        .target(name: "KlaxonTestSupport", dependencies: ["KlaxonCore", "KlaxonEngine", "KlaxonSystem"],
                path: "Tests/KlaxonTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
