// Tollgate — HTTPAPI: the facts /api/v1/status/* report.

public import Foundation

/// Build, flag, configuration and runtime facts for `/api/v1/status/buildinfo`,
/// `flags`, `config` and `runtimeinfo`.
public struct StatusInfo: Sendable {
    /// What `/api/v1/status/buildinfo` reports (Prometheus's `PrometheusVersion`).
    public struct Build: Sendable, Equatable {
        public var version: String
        public var revision: String
        public var branch: String
        public var buildUser: String
        public var buildDate: String
        /// Prometheus reports its Go version; Tollgate reports its Swift version here.
        public var goVersion: String

        /// Creates build facts; unknown ones stay empty.
        public init(version: String, revision: String = "", branch: String = "", buildUser: String = "", buildDate: String = "", goVersion: String = "") {
            self.version = version
            self.revision = revision
            self.branch = branch
            self.buildUser = buildUser
            self.buildDate = buildDate
            self.goVersion = goVersion
        }
    }

    /// The outcome of the last configuration (re)load.
    public struct ReloadState: Sendable {
        public var successful: Bool
        public var time: Date
        public init(successful: Bool, time: Date) {
            self.successful = successful
            self.time = time
        }
    }

    /// Build facts.
    public var build: Build
    /// Command-line flags by name (without `--`), as given or defaulted.
    public var flags: [String: String]
    /// The configuration file's text, for `/api/v1/status/config`.
    public var config: @Sendable () async -> String
    /// The last reload's outcome, for `runtimeinfo`; nil reports success at start.
    public var reload: @Sendable () async -> ReloadState?
    /// When the server started.
    public var startTime: Date
    /// The retention setting, as `runtimeinfo` shows it (`15d`).
    public var storageRetention: String

    /// Creates status facts.
    /// - Parameters:
    ///   - build: build facts.
    ///   - flags: flag values by name.
    ///   - config: returns the configuration text.
    ///   - reload: returns the last reload's outcome.
    ///   - startTime: when the server started.
    ///   - storageRetention: the retention setting.
    public init(
        build: Build = Build(version: "0.0.0"),
        flags: [String: String] = [:],
        config: @escaping @Sendable () async -> String = { "" },
        reload: @escaping @Sendable () async -> ReloadState? = { nil },
        startTime: Date = Date(),
        storageRetention: String = ""
    ) {
        self.build = build
        self.flags = flags
        self.config = config
        self.reload = reload
        self.startTime = startTime
        self.storageRetention = storageRetention
    }
}
