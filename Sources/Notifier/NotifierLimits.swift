// Tollgate — Notifier: the limits of the API v2 it answers.

public import Notify

/// What one client may ask of the notifier's API: alerts per `POST /api/v2/alerts`, and
/// Alertmanager's silence limits. 0 is no limit (each is Alertmanager's default; `tollgate
/// serve` sets its own from its flags).
public struct NotifierLimits: Sendable, Equatable {
    /// The most alerts in one `POST /api/v2/alerts`; a larger batch is refused whole with
    /// 413 (Alertmanager has no such limit; Prometheus sends at most 256 per request).
    public var maxAlertsPerRequest = 0
    /// `--silences.max-silences` and `--silences.max-silence-size-bytes`.
    public var silences = SilenceLimits()

    /// No limits.
    public init() {}
}
