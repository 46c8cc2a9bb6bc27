// Tollgate — Prometheus's own command-line flags that `serve` does not take as options.

/// Sorts the Prometheus flags an existing systemd unit may pass to `serve` that Tollgate has
/// no option for: some change nothing here and are dropped with a warning (the web console,
/// WAL tuning, the lock file), the rest are refused together in one error naming each, so
/// that swapping the binary either works or says exactly what to remove.
struct PrometheusFlags {
    /// Flags accepted and ignored: what they tune does not exist in Tollgate.
    static let ignored: Set<String> = [
        "web.console.templates", "web.console.libraries", "web.page-title", "web.user-assets", "web.cors.origin",
        "web.read-timeout", "web.max-connections", "storage.tsdb.wal-compression", "storage.tsdb.no-lockfile",
        "storage.tsdb.allow-overlapping-blocks", "storage.tsdb.head-chunks-write-queue-size", "storage.tsdb.min-block-duration",
        "storage.tsdb.max-block-duration", "storage.tsdb.wal-segment-size", "scrape.adjust-timestamps",
        "scrape.timestamp-tolerance", "scrape.discovery-reload-interval", "query.max-samples-per-query-log",
        // Rule groups run concurrently; the alert queue is drained on shutdown.
        "rules.max-concurrent-evals", "alertmanager.drain-notification-queue-on-shutdown",
        // remote_write queues are files: what is unsent at shutdown is sent after the restart.
        "storage.remote.flush-deadline",
    ]

    /// Prometheus flags for features Tollgate does not have yet: refused, with the reason.
    static let refused: [String: String] = [
        "web.enable-otlp-receiver": "OTLP intake is not supported",
        "web.remote-write-receiver.accepted-protobuf-messages": "remote write 2.0 is not supported yet (1.0 is)",
        "storage.agent.path": "agent mode is not supported",
        "agent": "agent mode is not supported",
        "storage.remote.read-sample-limit": "remote read is not supported",
        "storage.remote.read-concurrent-limit": "remote read is not supported",
        "storage.remote.read-max-bytes-in-frame": "remote read is not supported",
        "query.active-query-tracker.path": "the active-query log is not kept",
    ]

    /// The arguments without the ignored flags (and their values).
    private(set) var kept: [String] = []
    /// Ignored flags, in the order given.
    private(set) var ignoredFlags: [String] = []
    /// Refused flags with the reason, in the order given.
    private(set) var refusedFlags: [(String, String)] = []

    /// Sorts `arguments` (those after `serve`): `--flag=value`, `--flag value` and, for
    /// boolean flags, `--flag` alone.
    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                kept.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            let name = String(body.split(separator: "=", maxSplits: 1).first ?? "")
            let hasInlineValue = body.contains("=")
            let isIgnored = Self.ignored.contains(name) || name.hasPrefix("no-") && Self.ignored.contains(String(name.dropFirst(3)))
            if isIgnored || Self.refused[name] != nil {
                // A separate value follows unless the next argument is another flag.
                if !hasInlineValue, index < arguments.count, !arguments[index].hasPrefix("--") { index += 1 }
                if isIgnored {
                    ignoredFlags.append("--" + name)
                } else if let reason = Self.refused[name] {
                    refusedFlags.append(("--" + name, reason))
                }
            } else {
                kept.append(argument)
            }
        }
    }

    /// The one error naming every refused flag, or nil.
    var refusal: String? {
        guard !refusedFlags.isEmpty else { return nil }
        let list = refusedFlags.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
        return "Prometheus flags Tollgate does not support: \(list); remove them and start again"
    }
}
