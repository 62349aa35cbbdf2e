// swift-tools-version:6.1
import PackageDescription

/// trin: fetch → decode (CSV / XML through a mapping) → canonical record →
/// pseudonymise → store and deduplicate → aggregate and suppress → write.
/// Each stage is a small library target; `trin` is a thin command line over them.
/// Every module whose members a file uses is imported in that file (and declared by its target).
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6), .enableUpcomingFeature("MemberImportVisibility"), .enableUpcomingFeature("InternalImportsByDefault")]
/// The per-row path (scan, decode, store) touches class state millions of times; the
/// run-time exclusivity checks on it cost about a tenth of an import (perf, see
/// docs/benchmarks.md). They stay on in debug builds, where every test runs.
let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
/// Suppression and its tests are exhaustive searches (every completion an attacker could
/// try); unoptimised they took more than half the test suite's CPU time, so they are
/// optimised in debug builds too (assertions stay on: `-O`, not `-Ounchecked`).
let searchHeavy: [SwiftSetting] = strict + [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "trin",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "trin", targets: ["trin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        // C libraries, each wrapped once.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShims", dependencies: ["CCurl"]),
        .target(name: "CSQLiteShims", linkerSettings: [.linkedLibrary("sqlite3")]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        // Domain: the canonical record and the rules every stage shares.
        .target(name: "TrinCore", swiftSettings: strict),
        // Decoding.
        .target(name: "TrinCSV", dependencies: ["TrinCore"], swiftSettings: hotPath),
        .target(name: "TrinXML", dependencies: ["CLibXML2", "TrinCore"], swiftSettings: hotPath),
        .target(name: "TrinMapping", dependencies: ["TrinCore", "TrinXML", "Yams"], swiftSettings: hotPath),
        // Pseudonymisation.
        .target(name: "TrinPseudonym", dependencies: ["TrinCore", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        // Store and deduplication.
        .target(name: "TrinStore", dependencies: ["TrinCore", "CSQLiteShims", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")], swiftSettings: hotPath),
        // The shared store in PostgreSQL (first part): connection, schema migrations, merge by version order.
        .target(name: "TrinPostgres", dependencies: ["TrinCore", "TrinStore", .product(name: "PostgresNIO", package: "postgres-nio"),
                                                     .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                     .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // Aggregation, disclosure control and publication.
        .target(name: "TrinDisclosure", swiftSettings: searchHeavy),
        .target(name: "TrinMetrics", dependencies: ["TrinCore", "TrinDisclosure"], swiftSettings: strict),
        .target(name: "TrinPublish", dependencies: ["TrinCore", "TrinMetrics", "TrinDisclosure", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        // Fetching and scheduling.
        .target(name: "TrinFetch", dependencies: ["CCurl", "CCurlShims", "TrinCore", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "TrinSchedule", dependencies: ["TrinCore"], swiftSettings: strict),
        // Sample exports for the demo, the tests and the benchmarks.
        .target(name: "TrinSample", dependencies: ["TrinCore"], swiftSettings: strict),
        // Orchestration: import, run, configuration, log.
        // The import of one file: decoders, the stages and their hand-off, the file digest, known rows.
        .target(
            name: "TrinImport",
            dependencies: [
                "TrinCore", "TrinCSV", "TrinXML", "TrinMapping", "TrinPseudonym", "TrinStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPath),
        // The service around imports: configuration, the run's front door, runner, daemon, lock,
        // log, metrics job, Prometheus textfile, retention.
        .target(
            name: "TrinService",
            dependencies: [
                "TrinCore", "TrinImport", "TrinMapping", "TrinPseudonym", "TrinStore", "TrinPostgres",
                "TrinDisclosure", "TrinMetrics", "TrinPublish", "TrinFetch", "TrinSchedule", "Yams",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "trin",
            dependencies: [
                "TrinService", "TrinImport", "TrinSample", "TrinCore", "TrinStore", "TrinPseudonym", "TrinMapping", "TrinDisclosure",
                "TrinMetrics", "TrinPublish",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),

        // make bench-postgres: the PostgreSQL store's merge path, records/s and memory.
        .executableTarget(name: "trin-postgres-bench", dependencies: ["TrinPostgres", "TrinStore", "TrinCore", .product(name: "Logging", package: "swift-log")],
                          path: "Benchmarks/PostgresBench", swiftSettings: strict),
        // make bench: the keyed hashes per call (the pseudonym beside swift-crypto's HMAC).
        .executableTarget(name: "trin-hash-bench", dependencies: ["TrinPseudonym", "TrinCore", .product(name: "Crypto", package: "swift-crypto")],
                          path: "Benchmarks/HashBench", swiftSettings: strict),

        .target(name: "TrinTestSupport", dependencies: ["TrinCore"], path: "Tests/TrinTestSupport", swiftSettings: strict),
        .testTarget(name: "TrinCoreTests", dependencies: ["TrinCore"], swiftSettings: strict),
        .testTarget(name: "TrinCSVTests", dependencies: ["TrinCSV", "TrinCore"], swiftSettings: strict),
        .testTarget(name: "TrinXMLTests", dependencies: ["TrinXML", "TrinTestSupport"], swiftSettings: strict),
        .testTarget(name: "TrinMappingTests", dependencies: ["TrinMapping", "TrinCore"], swiftSettings: strict),
        .testTarget(name: "TrinPseudonymTests", dependencies: ["TrinPseudonym", "TrinCore", .product(name: "Crypto", package: "swift-crypto")],
                    swiftSettings: strict),
        .testTarget(name: "TrinStoreTests", dependencies: ["TrinStore", "TrinCore", "TrinTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: strict),
        // The rules every store keeps, run against both back ends.
        .testTarget(name: "TrinStoreContractTests", dependencies: ["TrinStore", "TrinPostgres", "TrinCore", "TrinTestSupport",
                                                                   .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "TrinDisclosureTests", dependencies: ["TrinDisclosure", "TrinTestSupport"], swiftSettings: searchHeavy),
        .testTarget(name: "TrinMetricsTests", dependencies: ["TrinMetrics", "TrinCore", "TrinDisclosure"], swiftSettings: strict),
        .testTarget(name: "TrinPublishTests", dependencies: ["TrinPublish", "TrinMetrics", "TrinCore", "TrinDisclosure", "TrinTestSupport"], swiftSettings: strict),
        .testTarget(name: "TrinFetchTests", dependencies: ["TrinFetch", "TrinTestSupport", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "TrinScheduleTests", dependencies: ["TrinSchedule", "TrinCore"], swiftSettings: strict),
        .testTarget(name: "TrinSampleTests", dependencies: ["TrinSample", "TrinCore"], swiftSettings: strict),
        .testTarget(name: "TrinPostgresTests", dependencies: ["TrinPostgres", "TrinStore", "TrinCore", "TrinTestSupport",
                                                              .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "TrinPipelineTests",
                    dependencies: ["TrinService", "TrinImport", "TrinSample", "TrinCore", "TrinStore", "TrinPostgres", "TrinMapping", "TrinPseudonym", "TrinMetrics",
                                   "TrinDisclosure", "TrinPublish", "TrinFetch", "TrinTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
    ]
)
