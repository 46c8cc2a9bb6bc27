// Tollgate — HTTPAPI: which requests change something, for basic_auth_write_users.

/// Sorts requests into reads and writes for `basic_auth_write_users`: a write is a
/// request other than GET, HEAD or OPTIONS to an endpoint an operator uses to change
/// Tollgate: silences, rollouts (and Flagger's webhooks), the lifecycle and admin
/// endpoints, backfill and the UI's forms. Intake from other servers (alerts POSTed by
/// Prometheus, remote write) and queries sent by POST are reads: they need the same users
/// as every other request.
enum WriteRequests {
    /// Paths (after the route prefix) under which a changing method is a write.
    static let prefixes = [
        "/api/v2/silences", "/api/v2/silence/", "/api/v1/rollouts", "/api/v1/flagger/", "/-/reload", "/-/quit",
        "/api/v1/admin/", "/api/v1/import/", "/ui/",
    ]

    /// Whether a request is a write.
    /// - Parameters:
    ///   - method: the request's method.
    ///   - path: its path without the route prefix.
    static func isWrite(method: String, path: String) -> Bool {
        guard !["GET", "HEAD", "OPTIONS"].contains(method) else { return false }
        return prefixes.contains { path == $0 || path.hasPrefix($0) || path + "/" == $0 }
    }
}
