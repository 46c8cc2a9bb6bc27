// Tollgate — `serve`'s probe flags: blackbox_exporter's modules file and the endpoint's limits.

import ArgumentParser
import TollgateConfig

/// The `--probe.*` flags.
struct ProbeFlags: ParsableArguments {
    @Option(
        name: .customLong("probe.config"),
        help: ArgumentHelp(
            "blackbox_exporter's blackbox.yml: the modules /probe runs (instead of tollgate.yml's `probe_modules:`); read again on each reload.",
            valueName: "FILE"))
    var configFile: String?

    @Option(
        name: .customLong("probe.timeout-offset"),
        help: ArgumentHelp("Seconds taken off Prometheus's scrape timeout to give a probe its deadline (blackbox_exporter's --timeout-offset).", valueName: "SECONDS"))
    var timeoutOffset = 0.5

    @Option(
        name: .customLong("probe.max-concurrent"),
        help: ArgumentHelp("Probes running at once; more are answered 503 and counted (tollgate_probe_refused_total).", valueName: "N"))
    var maxConcurrent = 100

    func validate() throws {
        guard timeoutOffset >= 0 else { throw ValidationError("--probe.timeout-offset: must not be negative") }
        guard maxConcurrent > 0 else { throw ValidationError("--probe.max-concurrent: must be positive") }
    }

    /// The modules of a configuration: the flag's file, else tollgate.yml's `probe_modules:`,
    /// else blackbox_exporter's two basic modules, `http_2xx` and `tcp_connect`.
    /// - Throws: ``ConfigError`` naming each problem of the flag's file.
    func modules(_ config: TollgateConfig?) throws(ConfigError) -> [String: ProbeModule] {
        if let configFile { return try ProbeModules(path: configFile).modules }
        if let config, !config.probeModules.isEmpty { return config.probeModules }
        return ["http_2xx": ProbeModule(prober: .http), "tcp_connect": ProbeModule(prober: .tcp)]
    }

    /// The flags as `/api/v1/status/flags` lists them.
    var values: [String: String] {
        ["probe.config": configFile ?? "", "probe.timeout-offset": String(timeoutOffset), "probe.max-concurrent": String(maxConcurrent)]
    }
}
