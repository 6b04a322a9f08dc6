// swift-tools-version: 6.0
import Foundation
import PackageDescription

// medsave: a library (MedSaveCore) with a BLAS-backed numeric core, and a thin command-line tool on top.
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
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(
            name: "MedSaveCore",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "medsave",
            dependencies: [
                "MedSaveCore",
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
        .testTarget(
            name: "MedSaveCoreTests",
            dependencies: ["MedSaveCore", "MedSaveTestSupport"]
        ),
        .testTarget(
            name: "medsaveTests",
            dependencies: ["medsave", "MedSaveTestSupport"],
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
