// Tollgate — HTTPAPI: the seam /metrics reads from.

/// Produces Tollgate's own metrics in the Prometheus text format 0.0.4.
///
/// The HTTP layer depends on this protocol only, never on a metrics registry.
public protocol SelfMetricsSource: Sendable {
    /// Renders every metric family as a text-format body.
    /// - Returns: the body bytes.
    func exposition() async -> [UInt8]
}
