// swift-tools-version: 6.1
//
// Tollgate: a metrics gateway and alerting engine.
// Module map and dependency rules: docs/architecture.md.

import PackageDescription

/// Settings every Swift target shares: Swift 6 mode plus strict import hygiene.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Exclusive access is proven at compile time; release builds skip the run-time
    // re-checks of class properties and globals on the ingest path (see docs/performance.md).
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "tollgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tollgate", targets: ["tollgate"]),
        .library(name: "Exposition", targets: ["Exposition"]),
        .library(name: "Gzip", targets: ["Gzip"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "TSDB", targets: ["TSDB"]),
        // The parsers the fuzz targets (Fuzz/, `make fuzz`) feed, beyond those above.
        .library(name: "CloudWatch", targets: ["CloudWatch"]),
        .library(name: "GoTemplate", targets: ["GoTemplate"]),
        .library(name: "Guards", targets: ["Guards"]),
        .library(name: "Notify", targets: ["Notify"]),
        .library(name: "PromQL", targets: ["PromQL"]),
        .library(name: "RemoteWrite", targets: ["RemoteWrite"]),
        .library(name: "Rollouts", targets: ["Rollouts"]),
        .library(name: "Rules", targets: ["Rules"]),
        .library(name: "TollgateConfig", targets: ["TollgateConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // bcrypt for the web configuration's basic_auth_users (HummingbirdBcrypt only).
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // TLS on the server (already resolved through Hummingbird): NIOSSL's contexts, NIOCore's channels.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C libraries from Debian, one module each.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        // RE2 (Debian's libre2-dev) behind a small C interface: Go's regex syntax, linear-time matching.
        .target(name: "CRE2", linkerSettings: [.linkedLibrary("re2")]),

        // Pure data: label sets and samples; regexes through CRE2.
        .target(name: "Model", dependencies: ["CRE2"], swiftSettings: swiftSettings),
        // Prometheus text 0.0.4 / OpenMetrics 1.0 parser and text writer, over bytes.
        .target(name: "Exposition", dependencies: ["Model"], swiftSettings: swiftSettings),
        // relabel_configs with Prometheus's semantics (hashmod needs MD5, from swift-crypto).
        .target(
            name: "Relabel",
            dependencies: ["Model", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Sample encodings: Gorilla XOR chunks and compact sealed blocks.
        .target(name: "Chunks", dependencies: ["Gzip", "Model"], swiftSettings: swiftSettings),
        // The storage contracts: Appendable/Appender, Queryable and the values they pass.
        .target(name: "Storage", dependencies: ["Model"], swiftSettings: swiftSettings),
        // The time-series store: head, log, sealed chunks and blocks in one SQLite file (via GRDB);
        // log records carry Gzip's CRC-32.
        .target(
            name: "TSDB",
            dependencies: [
                "Chunks", "Gzip", "Model", "Storage",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // PromQL syntax: lexer, parser, type checks and printer.
        .target(name: "PromQL", dependencies: ["Model"], swiftSettings: swiftSettings),
        // PromQL evaluation over the Queryable seam: instant and range queries, every float function.
        .target(
            name: "PromQLEngine",
            dependencies: ["Model", "PromQL", "Relabel", "Storage"],
            swiftSettings: swiftSettings
        ),
        // Go's text/template language and Prometheus's template functions, for alert labels and annotations.
        .target(name: "GoTemplate", dependencies: ["Model"], swiftSettings: swiftSettings),
        // Notification messages as Alertmanager renders them: template data, default templates,
        // webhook / PagerDuty / Slack / email bodies (PagerDuty's dedup key is SHA-256, from swift-crypto).
        .target(
            name: "NotifyRender",
            dependencies: ["GoTemplate", "Model", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // gzip / deflate over zlib; the only importer of CZlib.
        .target(name: "Gzip", dependencies: ["CZlib"], swiftSettings: swiftSettings),
        // tollgate.yml: prometheus.yml's sections, with errors that name file, line and field;
        // an `http_config` becomes a CurlHTTP request here, for every client that has one.
        .target(
            name: "TollgateConfig",
            dependencies: ["CurlHTTP", "Model", "Relabel", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The HTTP client over libcurl's multi interface; the only importer of CCurl.
        .target(name: "CurlHTTP", dependencies: ["CCurl"], swiftSettings: swiftSettings),
        // CloudWatch polled in-process: SigV4 on swift-crypto, the Query protocol through CurlHTTP,
        // YACE's names; the poller appends to Storage.
        .target(
            name: "CloudWatch",
            dependencies: [
                "CurlHTTP", "Model", "Storage", "TollgateConfig",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Scraping: discovery, targets, scrape loops, staleness; one pool per job.
        .target(
            name: "Scrape",
            dependencies: [
                "CurlHTTP", "Exposition", "Model", "Relabel", "Storage", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // blackbox_exporter's probes (`/probe`): the http and tcp probers over CurlHTTP.
        .target(
            name: "Probe",
            dependencies: [
                "CurlHTTP", "Exposition", "Model", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Rules: rule files to groups, recording and alerting rules, alert state, `for` restore.
        .target(
            name: "Rules",
            dependencies: [
                "GoTemplate", "Model", "PromQL", "Storage", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `test rules`: promtool's rule unit tests over a fresh store, the engine and the rule groups.
        .target(
            name: "RuleTesting",
            dependencies: [
                "Model", "PromQL", "PromQLEngine", "Rules", "Storage", "TSDB", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Rollout guards: Mann-Whitney U, Hodges–Lehmann, go / no-go decisions with their evidence.
        .target(name: "Guards", dependencies: ["Model", "PromQL", "Rules", "TollgateConfig"], swiftSettings: swiftSettings),
        // Stored rollouts: their stages, decisions and history in SQLite, Flagger's webhooks, rollout webhooks, DORA.
        .target(
            name: "Rollouts",
            dependencies: [
                "CurlHTTP", "Guards", "Model", "Rules", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Alerts from rules to external Alertmanagers (API v2) and the in-process notifier.
        .target(
            name: "AlertDispatch",
            dependencies: [
                "CurlHTTP", "Model", "Relabel", "Rules", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The built-in notifier: the routing tree from alertmanager.yml, group keys, amtool's texts.
        .target(name: "Notify", dependencies: ["GoTemplate", "Model", "TollgateConfig"], swiftSettings: swiftSettings),
        // The notifier's integrations: webhook, Slack, PagerDuty and email sent as Alertmanager
        // sends them (bodies from NotifyRender, HTTP and SMTP through CurlHTTP), and its retry stage.
        .target(
            name: "NotifySend",
            dependencies: [
                "CurlHTTP", "Model", "Notify", "NotifyRender", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The built-in Alertmanager at run time: state, timers, the pipeline, its state file.
        .target(
            name: "Notifier",
            dependencies: [
                "Model", "Notify", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Prometheus remote write 1.0: snappy (CSnappy), the prompb messages (swift-protobuf,
        // generated code committed), the receiver's decoding and the durable sender.
        .target(
            name: "RemoteWrite",
            dependencies: [
                "CSnappy", "CurlHTTP", "Model", "Relabel", "Storage", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Proto"],  // the .proto sources of the committed generated code (docs/scale-out.md)
            swiftSettings: swiftSettings
        ),
        // HTTP endpoints on Hummingbird; the only importer of Hummingbird.
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Gzip", "Model", "PromQL", "PromQLEngine", "Rules", "Scrape", "Storage", "TollgateConfig",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The built-in web UI: pages rendered with Mustache from the HTTPAPI seams, charts as SVG; no Hummingbird.
        .target(
            name: "WebUI",
            dependencies: [
                "HTTPAPI", "Model", "PromQLEngine", "Rules", "Scrape", "Storage",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // Commands and wiring: arguments, configuration, the one ServiceGroup.
        .target(
            name: "TollgateCLI",
            dependencies: [
                "AlertDispatch", "CloudWatch", "CurlHTTP", "Exposition", "Guards", "Gzip", "HTTPAPI", "Model", "Notifier", "Notify", "NotifySend", "PromQL", "PromQLEngine", "Probe", "RuleTesting", "Rollouts", "Rules",
                "RemoteWrite",
                "Scrape",
                "TollgateConfig",
                "Storage", "TSDB", "WebUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tollgate",
            dependencies: ["TollgateCLI"],
            swiftSettings: swiftSettings
        ),

        // Locating ../shared, free ports, self-removing temporary directories and a hand-set clock, for the test targets.
        .target(name: "TestSupport", dependencies: ["CurlHTTP", "Model"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "ModelTests", dependencies: ["CurlHTTP", "Model", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ExpositionTests",
            dependencies: ["Exposition", "Model", "TestSupport"],
            exclude: ["Oracle"],  // recorded Prometheus scrapes, read by path
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RulesTests",
            dependencies: [
                "Model", "PromQL", "PromQLEngine", "Rules", "Storage", "TSDB", "TestSupport", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RuleTestingTests",
            dependencies: [
                "Model", "PromQL", "RuleTesting", "Rules", "TestSupport", "TollgateConfig",
            ],
            exclude: ["Scenarios"],  // test and rule files, read by path
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProbeTests",
            dependencies: [
                "CurlHTTP", "Model", "Probe", "TestSupport", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],  // the targets' server, run by path
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GuardsTests",
            dependencies: [
                "Guards", "Model", "PromQLEngine", "Rules", "Storage", "TSDB", "TestSupport", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RolloutsTests",
            dependencies: ["Guards", "Model", "Rollouts", "Rules", "TestSupport", "TollgateConfig"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudWatchTests",
            dependencies: [
                "CloudWatch", "CurlHTTP", "Model", "Storage", "TSDB", "TestSupport", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["StandIns"],  // the python helpers the tests run: botocore signing, the stand-in server
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TollgateConfigTests", dependencies: ["CurlHTTP", "Model", "TestSupport", "TollgateConfig"], swiftSettings: swiftSettings),
        .testTarget(
            name: "NotifyTests",
            dependencies: ["Model", "Notify", "TestSupport", "TollgateConfig", "tollgate"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotifySendTests",
            dependencies: [
                "CurlHTTP", "Model", "Notify", "NotifyRender", "NotifySend", "TestSupport", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            exclude: ["StandIns"],  // the receiver and SMTP stand-ins the tests run
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotifierTests",
            dependencies: ["Model", "Notifier", "Notify", "TestSupport", "TollgateConfig", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RelabelTests", dependencies: ["Relabel", "Model"], swiftSettings: swiftSettings),
        .testTarget(name: "ChunksTests", dependencies: ["Chunks", "Model"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TSDBTests",
            dependencies: ["TSDB", "Chunks", "Gzip", "Model", "Storage", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RemoteWriteTests",
            dependencies: [
                "CurlHTTP", "Model", "RemoteWrite", "Storage", "TSDB", "TestSupport", "TollgateConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["StandIns"],  // the receiver stand-in the retry test runs
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "GoTemplateTests", dependencies: ["GoTemplate", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "NotifyRenderTests",
            dependencies: ["CurlHTTP", "GoTemplate", "NotifyRender", "TestSupport"],
            exclude: ["Oracle"],  // the capture server the oracle test runs
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PromQLTests", dependencies: ["CurlHTTP", "PromQL", "Model", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PromQLEngineTests",
            dependencies: ["PromQLEngine", "PromQL", "Storage", "TSDB", "Model", "TestSupport", .product(name: "Logging", package: "swift-log")],
            exclude: ["promqltest-skips.txt"],  // read by path
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScrapeTests",
            dependencies: [
                "Scrape", "CurlHTTP", "Exposition", "Model", "Relabel", "Storage", "TSDB", "TollgateConfig", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "CurlHTTP", "HTTPAPI", "Gzip", "Model", "PromQLEngine", "Rules", "Storage", "TSDB", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "WebUITests", dependencies: ["WebUI", .product(name: "Mustache", package: "swift-mustache")], swiftSettings: swiftSettings),
        .testTarget(
            name: "TollgateCLITests",
            dependencies: [
                "CurlHTTP", "Exposition", "Gzip", "HTTPAPI", "Model", "Notifier", "Notify", "PromQL", "TestSupport", "TollgateCLI", "TollgateConfig", "tollgate",
                "RemoteWrite",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)
