// swift-tools-version: 6.0
import Foundation
import PackageDescription

// medsave: a library (MedSaveCore, the umbrella over one module per layer) with a BLAS-backed numeric core,
// and a thin command-line tool on top.
// BLAS comes from the system: OpenBLAS through pkg-config on Linux, Accelerate on Apple platforms.
let package = Package(
    name: "medsave",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MedSaveCore", targets: ["MedSaveCore"]),
        .executable(name: "medsave", targets: ["medsave"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SQLite for the review store: transactions, WAL, migrations (needs libsqlite3-dev on Linux).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]
        ),
        // Prefetch hints for the loops that read cells and index slots at random (header only).
        .systemLibrary(name: "CMemory"),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // The layers, bottom up. Each may import only the modules named in its dependencies (ARCHITECTURE.md):
        // Support and Model depend on nothing; Numeric is the only importer of CBLAS; Ingest never sees
        // Analysis; Output sees results, never Ingest or Review.
        .target(name: "MedSaveSupport", dependencies: ["CMemory"], exclude: ["README.md"]),
        .target(name: "MedSaveModel", exclude: ["README.md"]),
        .target(
            name: "MedSaveNumeric",
            dependencies: [.target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            exclude: ["README.md"]
        ),
        .target(
            name: "MedSaveIngest", dependencies: ["MedSaveModel", "MedSaveSupport", "CZlib", "CMemory"],
            exclude: ["README.md"]),
        .target(
            name: "MedSaveAnalysis", dependencies: ["MedSaveModel", "MedSaveSupport", "MedSaveNumeric", "CMemory"],
            exclude: ["README.md"]),
        .target(
            name: "MedSaveReview",
            dependencies: ["MedSaveModel", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["README.md"]
        ),
        .target(
            name: "MedSaveOutput", dependencies: ["MedSaveModel", "MedSaveSupport", "MedSaveAnalysis"],
            exclude: ["README.md"]),
        // The umbrella the executable imports: re-exports every layer.
        .target(
            name: "MedSaveCore",
            dependencies: [
                "MedSaveSupport", "MedSaveModel", "MedSaveNumeric", "MedSaveIngest", "MedSaveAnalysis",
                "MedSaveReview", "MedSaveOutput",
            ]
        ),
        .executableTarget(
            name: "medsave",
            dependencies: [
                "MedSaveCore", "CMemory",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "MedSaveTestSupport",
            dependencies: ["MedSaveCore"],
            path: "Tests/MedSaveTestSupport"
        ),
        // The numeric core against plain dgemm (Benchmarks/README.md); built only when asked for.
        .executableTarget(
            name: "medsave-blas-bench",
            dependencies: ["MedSaveCore", .target(name: "CBLAS", condition: .when(platforms: [.linux]))],
            path: "Benchmarks/BLASBench"
        ),
        // One test target per layer (Tests/MedSave<Layer>Tests), and the end-to-end tests of the binary.
        .testTarget(
            name: "MedSaveSupportTests", dependencies: ["MedSaveSupport", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(
            name: "MedSaveNumericTests", dependencies: ["MedSaveNumeric", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(name: "MedSaveModelTests", dependencies: ["MedSaveModel", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(name: "MedSaveIngestTests", dependencies: ["MedSaveIngest", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(
            name: "MedSaveAnalysisTests", dependencies: ["MedSaveAnalysis", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(name: "MedSaveReviewTests", dependencies: ["MedSaveReview", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(name: "MedSaveOutputTests", dependencies: ["MedSaveOutput", "MedSaveCore", "MedSaveTestSupport"]),
        .testTarget(
            name: "medsaveTests",
            dependencies: ["medsave", "MedSaveCore", "MedSaveTestSupport"],
            exclude: ["Golden"]
        ),
    ]
)

// libFuzzer targets, built only on request (they have no `main`; libFuzzer supplies it): see Fuzz/README.md.
if ProcessInfo.processInfo.environment["MEDSAVE_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .executableTarget(name: "FuzzCSV", dependencies: ["MedSaveCore", "FuzzDriver"], path: "Fuzz/FuzzCSV"),
        .executableTarget(name: "FuzzXLSX", dependencies: ["MedSaveCore", "FuzzDriver"], path: "Fuzz/FuzzXLSX"),
    ]
}
