// swift-tools-version: 6.1
//
// Tollgate benchmarks: a package of its own so the main build never pulls in
// package-benchmark. Run with `make bench` (or `swift package benchmark` here).

import Foundation
import PackageDescription

/// The main package's identity is its folder's name, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "TollgateBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "BenchmarkSupport", path: "Benchmarks/BenchmarkSupport", swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "ParseInstructions",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Exposition", package: root),
                .product(name: "Gzip", package: root),
            ],
            path: "Benchmarks/ParseInstructions",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "StorageProbe",
            dependencies: [
                .product(name: "TSDB", package: root),
                .product(name: "Model", package: root),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StorageProbe",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "CommitLatency",
            dependencies: [
                .product(name: "Storage", package: root),
                .product(name: "TSDB", package: root),
                .product(name: "Model", package: root),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/CommitLatency",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "StorageBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "TSDB", package: root),
                .product(name: "Model", package: root),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StorageBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "ExpositionBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Exposition", package: root),
                .product(name: "Gzip", package: root),
            ],
            path: "Benchmarks/ExpositionBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        )
    ]
)
