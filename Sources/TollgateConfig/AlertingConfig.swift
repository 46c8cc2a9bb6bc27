// Tollgate — TollgateConfig: the `alerting` section (external Alertmanagers).

public import Model
public import Relabel
import Yams

/// prometheus.yml's `alerting` section: where alerts are sent outside the process.
public struct AlertingConfig: Sendable, Equatable {
    /// `alert_relabel_configs`: applied to every alert before it is sent.
    public var alertRelabelConfigs: [RelabelConfig] = []
    /// `alertmanagers`: each a set of Alertmanagers reached the same way.
    public var alertmanagers: [AlertmanagerConfig] = []

    /// No external Alertmanager.
    public init() {}

    init(_ node: Node, reader: NodeReader) throws(ConfigError) {
        try reader.fields(node, field: "alerting") { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "alert_relabel_configs": alertRelabelConfigs = try reader.relabelConfigs(value, field: path)
            case "alertmanagers":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let entry = reader.attempt({ () throws(ConfigError) in try AlertmanagerConfig(item, reader: reader, field: "\(path)[\(index)]") }) {
                        alertmanagers.append(entry)
                    }
                }
            default: return false
            }
            return true
        }
    }
}

/// One `alertmanagers` entry: Alertmanagers found by static or file discovery and
/// reached over the same HTTP settings.
public struct AlertmanagerConfig: Sendable, Equatable {
    /// `api_version`: only `v2` (Alertmanager removed v1 in 0.27; Prometheus 3 accepts only v2).
    public var apiVersion = "v2"
    /// `path_prefix`: prepended to `/api/v2/alerts`.
    public var pathPrefix = "/"
    /// `scheme`: `http` or `https`.
    public var scheme = "http"
    /// `timeout`: per push (`10s`).
    public var timeout = PromDuration(milliseconds: 10_000)
    /// `static_configs`.
    public var staticConfigs: [TargetGroup] = []
    /// `file_sd_configs`.
    public var fileSDConfigs: [FileSDConfig] = []
    /// `relabel_configs`: applied to the discovered Alertmanagers.
    public var relabelConfigs: [RelabelConfig] = []
    /// `alert_relabel_configs`: applied to alerts sent to these Alertmanagers.
    public var alertRelabelConfigs: [RelabelConfig] = []
    /// Authentication, TLS, proxy, headers.
    public var http = HTTPClientConfig()

    /// Alertmanagers at `targets` (`host:port`), with the defaults.
    public init(targets: [String]) {
        if !targets.isEmpty { staticConfigs = [TargetGroup(targets: targets, source: "0")] }
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "api_version":
                apiVersion = try reader.string(value, field: path)
                guard apiVersion == "v2" else {
                    throw reader.error(value, field: path, "expected Alertmanager api version to be v2, got \"\(apiVersion)\"")
                }
            case "path_prefix": pathPrefix = try reader.string(value, field: path)
            case "scheme":
                scheme = try reader.string(value, field: path)
                guard scheme == "http" || scheme == "https" else {
                    throw reader.error(value, field: path, "unknown scheme \"\(scheme)\"; expected http or https")
                }
            case "timeout": timeout = try reader.duration(value, field: path)
            case "static_configs": staticConfigs = try reader.staticConfigs(value, field: path)
            case "file_sd_configs": fileSDConfigs = try reader.fileSDConfigs(value, field: path)
            case "relabel_configs": relabelConfigs = try reader.relabelConfigs(value, field: path)
            case "alert_relabel_configs": alertRelabelConfigs = try reader.relabelConfigs(value, field: path)
            case let name where name.hasSuffix("_sd_configs"):
                throw reader.error(key.node, field: path, "not supported by this version of Tollgate yet")
            default: return try http.read(key, value, reader: reader, field: path)
            }
            return true
        }
        try http.complete(node, reader: reader, field: field)
    }
}
