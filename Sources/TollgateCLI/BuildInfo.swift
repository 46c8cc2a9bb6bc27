// Tollgate — build facts shown by --version, tollgate_build_info and prometheus_build_info.

/// Facts about this build.
package enum BuildInfo {
    /// The release version.
    package static let version = "0.1.0"
    /// The source revision (not recorded by `swift build`).
    package static let revision = "unknown"
    /// The source branch (not recorded by `swift build`).
    package static let branch = "unknown"
    /// The compiler, where Prometheus names its Go version.
    package static var swiftVersion: String {
        #if swift(>=6.3)
        "swift6.3"
        #elseif swift(>=6.2)
        "swift6.2"
        #else
        "swift6"
        #endif
    }
    /// The CPU architecture, in Go's `GOARCH` words.
    package static var architecture: String {
        #if arch(x86_64)
        "amd64"
        #elseif arch(arm64)
        "arm64"
        #else
        "unknown"
        #endif
    }
}
