// Tollgate — `serve`'s request limits beyond the query API's: bodies, alerts, silences, rollouts.

import ArgumentParser
import Notifier
import Notify
import TollgateConfig

/// The limits on what one client may send: the body of every endpoint that reads one
/// (besides the query forms, imports and remote write, which have their own flags), the
/// alerts in one `POST /api/v2/alerts`, silences (Alertmanager's flags) and rollouts in
/// progress. Each refusal is counted in `tollgate_http_api_rejected_requests_total{reason}`
/// and logged once per cause (docs/reliability.md lists them all).
struct LimitFlags: ParsableArguments {
    @Option(
        name: .customLong("web.max-request-size"),
        help: ArgumentHelp(
            "Largest body of the rollouts API, Flagger's webhooks, the admin API's forms and the UI's forms (e.g. 1MB); larger ones are refused with 413.",
            valueName: "SIZE"))
    var maxRequestSize = "1MB"

    @Option(
        name: .customLong("web.max-alertmanager-size"),
        help: ArgumentHelp(
            "Largest body of POST /api/v2/alerts and /api/v2/silences (e.g. 32MB); larger ones are refused with 413. Prometheus sends at most 256 alerts a request.",
            valueName: "SIZE"))
    var maxAlertmanagerSize = "32MB"

    @Option(
        name: .customLong("alerts.max-per-request"),
        help: ArgumentHelp("Most alerts one POST /api/v2/alerts may carry; a larger batch is refused whole with 413. 0: no limit.", valueName: "N"))
    var maxAlertsPerRequest = 10_000

    @Option(
        name: .customLong("silences.max-silences"),
        help: ArgumentHelp(
            "Most silences not yet expired (active and pending), as Alertmanager's flag; one more is refused with 400. 0: no limit (Alertmanager's default).",
            valueName: "N"))
    var maxSilences = 10_000

    @Option(
        name: .customLong("silences.max-silence-size-bytes"),
        help: ArgumentHelp(
            "Largest silence (matchers, author and comment), as Alertmanager's flag; a larger one is refused with 400. 0: no limit (Alertmanager's default).",
            valueName: "BYTES"))
    var maxSilenceSizeBytes = 65_536

    @Option(
        name: .customLong("rollouts.max-active"),
        help: ArgumentHelp("Most rollouts in progress at once; registering one more is refused with 429 until one is promoted or rolled back. 0: no limit.", valueName: "N"))
    var maxActiveRollouts = 100

    func validate() throws {
        for (flag, value) in [("web.max-request-size", maxRequestSize), ("web.max-alertmanager-size", maxAlertmanagerSize)] {
            guard let size = ByteSize(parsing: value), size.bytes > 0 else { throw ValidationError("--\(flag): invalid size \"\(value)\"; expected e.g. 1MB") }
        }
        for (flag, value) in [
            ("alerts.max-per-request", maxAlertsPerRequest), ("silences.max-silences", maxSilences),
            ("silences.max-silence-size-bytes", maxSilenceSizeBytes), ("rollouts.max-active", maxActiveRollouts),
        ] where value < 0 {
            throw ValidationError("--\(flag): must be 0 (no limit) or more")
        }
    }

    /// `--web.max-request-size` in bytes.
    var requestBytes: Int { Int(ByteSize(parsing: maxRequestSize)?.bytes ?? 1 << 20) }

    /// `--web.max-alertmanager-size` in bytes.
    var alertmanagerBytes: Int { Int(ByteSize(parsing: maxAlertmanagerSize)?.bytes ?? 32 << 20) }

    /// The notifier's API limits.
    var notifier: NotifierLimits {
        var limits = NotifierLimits()
        limits.maxAlertsPerRequest = maxAlertsPerRequest
        limits.silences = SilenceLimits(maxSilences: maxSilences, maxSilenceSizeBytes: maxSilenceSizeBytes)
        return limits
    }

    /// The flags as `/api/v1/status/flags` lists them.
    var values: [String: String] {
        [
            "web.max-request-size": maxRequestSize, "web.max-alertmanager-size": maxAlertmanagerSize,
            "alerts.max-per-request": String(maxAlertsPerRequest), "silences.max-silences": String(maxSilences),
            "silences.max-silence-size-bytes": String(maxSilenceSizeBytes), "rollouts.max-active": String(maxActiveRollouts),
        ]
    }
}
