// Tollgate — build facts shown by --version and in tollgate_build_info.

/// Facts about this build.
package enum BuildInfo {
    /// The release version.
    package static let version = "0.1.0"
}
