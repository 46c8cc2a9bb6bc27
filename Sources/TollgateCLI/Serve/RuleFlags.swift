// Tollgate — `serve`'s rule and alert flags, named as Prometheus names them.

import ArgumentParser
import Model

/// The `--rules.*` flags.
struct RuleFlags: ParsableArguments {
    @Option(
        name: .customLong("rules.alert.resend-delay"),
        help: ArgumentHelp("Least time between two sends of the same firing alert (a Prometheus duration).", valueName: "DURATION"))
    var resendDelay = "1m"

    @Option(
        name: .customLong("rules.alert.for-outage-tolerance"),
        help: ArgumentHelp("Longest outage after which alerts' `for` state is still restored at start (a Prometheus duration).", valueName: "DURATION"))
    var outageTolerance = "1h"

    @Option(
        name: .customLong("rules.alert.for-grace-period"),
        help: ArgumentHelp(
            "Least time between a restart and a restored alert firing; rules whose `for` is shorter are not restored (a Prometheus duration).",
            valueName: "DURATION"))
    var gracePeriod = "10m"

    @Option(
        name: .customLong("alertmanager.notification-queue-capacity"),
        help: ArgumentHelp("Most alert batches waiting to be sent to the Alertmanagers; beyond it the oldest are dropped and counted.", valueName: "N"))
    var queueCapacity = 10_000

    @Option(
        name: .customLong("alertmanager.config"),
        help: ArgumentHelp(
            "The built-in notifier's alertmanager.yml (instead of tollgate.yml's `alertmanager:` section); read again on each reload.",
            valueName: "FILE"))
    var notifierConfig: String?

    func validate() throws {
        guard queueCapacity > 0 else { throw ValidationError("--alertmanager.notification-queue-capacity: must be positive") }
        for (flag, value) in [("rules.alert.resend-delay", resendDelay), ("rules.alert.for-outage-tolerance", outageTolerance), ("rules.alert.for-grace-period", gracePeriod)]
        where PromDuration(parsing: value) == nil {
            throw ValidationError("--\(flag): invalid duration \"\(value)\"; expected e.g. 1m, 10m, 1h")
        }
    }

    /// The flags in milliseconds.
    var milliseconds: (resendDelay: Int64, outageTolerance: Int64, gracePeriod: Int64) {
        (
            PromDuration(parsing: resendDelay)?.milliseconds ?? 60_000, PromDuration(parsing: outageTolerance)?.milliseconds ?? 3_600_000,
            PromDuration(parsing: gracePeriod)?.milliseconds ?? 600_000
        )
    }

    /// The flags as `/api/v1/status/flags` lists them.
    var values: [String: String] {
        [
            "rules.alert.resend-delay": resendDelay, "rules.alert.for-outage-tolerance": outageTolerance, "rules.alert.for-grace-period": gracePeriod,
            "alertmanager.notification-queue-capacity": String(queueCapacity), "alertmanager.config": notifierConfig ?? "",
        ]
    }
}
