// Tollgate — TollgateConfig: one module of blackbox_exporter's blackbox.yml.

public import Model
import Yams

/// One probe module, as blackbox_exporter's `blackbox.yml` writes it under `modules:`:
/// the prober, its timeout and the prober's settings.
///
/// ```yaml
/// http_2xx:
///   prober: http
///   timeout: 5s
///   http:
///     valid_status_codes: [200, 204]
///     fail_if_body_matches_regexp: ["maintenance"]
/// ```
public struct ProbeModule: Sendable, Equatable {
    /// blackbox_exporter's probers; Tollgate runs `http` and `tcp`.
    public enum Prober: String, Sendable, Equatable, CaseIterable {
        case http, tcp, icmp, dns, grpc
    }

    /// `prober`.
    public var prober: Prober
    /// `timeout`; nil takes the scrape's timeout (less half a second).
    public var timeout: PromDuration?
    /// `http`: the settings of the `http` prober.
    public var http = HTTPProbeSettings()
    /// `tcp`: the settings of the `tcp` prober.
    public var tcp = TCPProbeSettings()

    /// A module of `prober` with every default.
    public init(prober: Prober) { self.prober = prober }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        prober = .http
        var proberGiven = false
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "prober":
                let name = try reader.string(value, field: path)
                guard let known = Prober(rawValue: name) else {
                    throw reader.error(value, field: path, "unknown prober \"\(name)\"; expected one of \(Prober.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                prober = known
                proberGiven = true
            case "timeout":
                let duration = try reader.duration(value, field: path)
                timeout = duration.milliseconds > 0 ? duration : nil
            case "http": http = try HTTPProbeSettings(value, reader: reader, field: path)
            case "tcp": tcp = try TCPProbeSettings(value, reader: reader, field: path)
            case "icmp", "dns", "grpc": break  // kept so blackbox.yml files load; these probers answer that Tollgate does not run them
            default: return false
            }
            return true
        }
        if !proberGiven { throw reader.error(node, field: "\(field).prober", "prober is required") }
    }
}

/// Which IP version a prober resolves a name to: `preferred_ip_protocol` (`ip6`, as
/// blackbox_exporter) and `ip_protocol_fallback` (true: the other version when the
/// preferred one has no address).
public struct IPProtocolPreference: Sendable, Equatable {
    /// True for `ip4`, false for `ip6`.
    public var preferIPv4 = false
    /// `ip_protocol_fallback`.
    public var fallback = true

    /// blackbox_exporter's defaults: IPv6 first, then IPv4.
    public init() {}

    /// Reads `preferred_ip_protocol` and `ip_protocol_fallback`; false for another key.
    mutating func read(_ key: NodeReader.Key, _ value: Node, reader: NodeReader, field: String) throws(ConfigError) -> Bool {
        switch key.name {
        case "preferred_ip_protocol":
            switch try reader.string(value, field: field) {
            case "ip4", "tcp4": preferIPv4 = true
            case "ip6", "tcp6", "": preferIPv4 = false
            case let other: throw reader.error(value, field: field, "unknown IP protocol \"\(other)\"; expected ip4 or ip6")
            }
        case "ip_protocol_fallback": fallback = try reader.bool(value, field: field)
        default: return false
        }
        return true
    }
}

/// A regular expression of a probe module (Go's syntax, searched anywhere in the text),
/// checked when the file is read.
public struct ProbeRegex: Sendable, Equatable {
    /// The pattern as written.
    public var source: String { regex.source }
    /// The pattern compiled once, when the file is read.
    package let regex: GoRegex

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        let source = try reader.string(node, field: field)
        do {
            regex = try GoRegex(source)
        } catch {
            throw reader.error(node, field: field, "\(error)")
        }
    }

    public static func == (lhs: ProbeRegex, rhs: ProbeRegex) -> Bool { lhs.source == rhs.source }

    static func list(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> [ProbeRegex] {
        var list: [ProbeRegex] = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            list.append(try ProbeRegex(item, reader: reader, field: "\(field)[\(index)]"))
        }
        return list
    }
}
