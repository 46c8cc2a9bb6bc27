// swift-tools-version: 6.1
//
// Tollgate's libFuzzer targets: a package of its own, beside Benchmarks/, so that the main
// build (`swift build --build-tests`) never builds it. One binary holds every target;
// TOLLGATE_FUZZ_TARGET picks the one to run (TOLLGATE_FUZZ_TARGET=list lists them).
// Built and run by `make fuzz` (scripts/fuzz.sh: a release build with libFuzzer and
// AddressSanitizer, into the scratch path `.build-fuzz`); docs/reliability.md.

import Foundation
import PackageDescription

/// The main package's identity is its folder's name, which differs between clones.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "TollgateFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
    ],
    targets: [
        .executableTarget(
            name: "tollgate-fuzz",
            dependencies: [
                .product(name: "CloudWatch", package: root),
                .product(name: "Exposition", package: root),
                .product(name: "GoTemplate", package: root),
                .product(name: "Guards", package: root),
                .product(name: "Gzip", package: root),
                .product(name: "Model", package: root),
                .product(name: "Notify", package: root),
                .product(name: "PromQL", package: root),
                .product(name: "RemoteWrite", package: root),
                .product(name: "Rollouts", package: root),
                .product(name: "Rules", package: root),
                .product(name: "TSDB", package: root),
                .product(name: "TollgateConfig", package: root),
            ],
            path: "Sources/TollgateFuzz",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
