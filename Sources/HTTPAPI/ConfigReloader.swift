// Tollgate — HTTPAPI: the seam `POST /-/reload` calls.

/// Reloads the configuration file (`POST /-/reload`, SIGHUP).
public protocol ConfigReloader: Sendable {
    /// Reads the file again and applies it; on error the running configuration stays.
    /// - Throws: what was wrong with the new file.
    func reload() async throws
}
