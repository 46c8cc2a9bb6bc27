// Tollgate — Probe: what one probe collects while it runs.

import TollgateConfig

/// One probe in progress: its deadline, the gauges it sets and the lines it logs (the
/// `debug=true` answer shows them).
struct ProbeRun: Sendable {
    /// When the probe must be done.
    let deadline: ContinuousClock.Instant
    /// The gauges so far.
    var metrics = ProbeMetrics()
    /// What happened, in order.
    var log: [String] = []

    /// A probe that has until `deadline`.
    init(deadline: ContinuousClock.Instant) { self.deadline = deadline }

    /// Milliseconds left before the deadline (at least 1).
    var millisecondsLeft: Int {
        let left = deadline - ContinuousClock.now
        return max(1, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
    }

    /// Adds a line to the probe's log.
    mutating func note(_ message: String) { log.append(message) }

    /// Resolves `host` and sets `probe_ip_protocol`, `probe_ip_addr_hash` and
    /// `probe_dns_lookup_time_seconds`; nil (logged) when it has no address.
    mutating func resolve(_ host: String, preference: IPProtocolPreference) async -> (ResolvedAddress, Double)? {
        metrics.set("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6", 0)
        metrics.set("probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds", 0)
        metrics.set("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.", 0)
        let started = ContinuousClock.now
        let result = await AddressResolver.resolve(host, preference: preference)
        let seconds = Self.seconds(ContinuousClock.now - started)
        metrics.set("probe_dns_lookup_time_seconds", "Returns the time taken for probe dns lookup in seconds", seconds)
        switch result {
        case .success(let address):
            note("resolved \(host) to \(address.text)")
            metrics.set("probe_ip_protocol", "Specifies whether probe ip protocol is IP4 or IP6", address.isIPv6 ? 6 : 4)
            metrics.set("probe_ip_addr_hash", "Specifies the hash of IP address. It's useful to detect if the IP address changes.", address.hash)
            return (address, seconds)
        case .failure(let failure):
            note(failure.description)
            return nil
        }
    }

    /// Sets blackbox_exporter's certificate gauges from a TLS peer's chain.
    mutating func recordCertificates(_ expiries: [Int64]) {
        guard let earliest = expiries.min() else { return }
        metrics.set("probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime", Double(earliest))
        metrics.set("probe_ssl_last_chain_expiry_timestamp_seconds", "Returns last SSL chain expiry in timestamp", Double(earliest))
    }

    /// A duration in seconds.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
