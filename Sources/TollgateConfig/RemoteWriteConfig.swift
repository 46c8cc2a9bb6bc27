// Tollgate — TollgateConfig: one `remote_write` entry.

public import Model
public import Relabel
import Yams

/// One `remote_write` entry of prometheus.yml: a receiver of every stored sample.
public struct RemoteWriteConfig: Sendable, Equatable {
    /// `url`: the receiver's endpoint.
    public var url: String
    /// `name`: unique among the entries when given.
    public var name = ""
    /// `remote_timeout`: per request (`30s`).
    public var remoteTimeout = PromDuration(milliseconds: 30_000)
    /// `headers`: sent with every request.
    public var headers: [String: String] = [:]
    /// `write_relabel_configs`: applied to each series before it is sent.
    public var writeRelabelConfigs: [RelabelConfig] = []
    /// `queue_config`.
    public var queue = QueueConfig()
    /// `metadata_config.send`: whether metric metadata is sent (true).
    public var sendMetadata = true
    /// `metadata_config.send_interval` (`1m`).
    public var metadataSendInterval = PromDuration(milliseconds: 60_000)
    /// Authentication, TLS, proxy.
    public var http = HTTPClientConfig()

    /// `queue_config`, with Prometheus's defaults.
    public struct QueueConfig: Sendable, Equatable {
        /// `capacity`: samples buffered per shard.
        public var capacity = 10_000
        /// `max_shards`.
        public var maxShards = 50
        /// `min_shards`.
        public var minShards = 1
        /// `max_samples_per_send`.
        public var maxSamplesPerSend = 2_000
        /// `batch_send_deadline`.
        public var batchSendDeadline = PromDuration(milliseconds: 5_000)
        /// `min_backoff`.
        public var minBackoff = PromDuration(milliseconds: 30)
        /// `max_backoff`.
        public var maxBackoff = PromDuration(milliseconds: 5_000)
        /// `retry_on_http_429`.
        public var retryOnRateLimit = true
        /// `sample_age_limit` (0: none).
        public var sampleAgeLimit = PromDuration(milliseconds: 0)

        /// The defaults.
        public init() {}
    }

    /// An entry sending to `url`, with the defaults.
    public init(url: String) { self.url = url }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        url = ""
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "url": url = try reader.string(value, field: path)
            case "name": name = try reader.string(value, field: path)
            case "remote_timeout": remoteTimeout = try reader.duration(value, field: path)
            case "headers": headers = try reader.stringMap(value, field: path)
            case "write_relabel_configs": writeRelabelConfigs = try reader.relabelConfigs(value, field: path)
            case "queue_config": try readQueue(value, reader: reader, field: path)
            case "metadata_config":
                try reader.fields(value, field: path) { (key, value, path) throws(ConfigError) -> Bool in
                    switch key.name {
                    case "send": sendMetadata = try reader.bool(value, field: path)
                    case "send_interval": metadataSendInterval = try reader.duration(value, field: path)
                    case "max_samples_per_send": _ = try reader.count(value, field: path)
                    default: return false
                    }
                    return true
                }
            case "protobuf_message", "send_exemplars", "send_native_histograms", "round_robin_dns", "sigv4", "azuread", "google_iam", "oauth2":
                throw reader.error(key.node, field: path, "not supported by this version of Tollgate yet")
            default: return try http.read(key, value, reader: reader, field: path)
            }
            return true
        }
        try http.complete(node, reader: reader, field: field)
        guard !url.isEmpty else { throw reader.error(node, field: "\(field).url", "url for remote_write is empty") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw reader.error(node, field: "\(field).url", "invalid url \"\(url)\"; expected an http or https URL")
        }
    }

    private mutating func readQueue(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "capacity": queue.capacity = try reader.count(value, field: path)
            case "max_shards": queue.maxShards = try reader.count(value, field: path)
            case "min_shards": queue.minShards = try reader.count(value, field: path)
            case "max_samples_per_send": queue.maxSamplesPerSend = try reader.count(value, field: path)
            case "batch_send_deadline": queue.batchSendDeadline = try reader.duration(value, field: path)
            case "min_backoff": queue.minBackoff = try reader.duration(value, field: path)
            case "max_backoff": queue.maxBackoff = try reader.duration(value, field: path)
            case "retry_on_http_429": queue.retryOnRateLimit = try reader.bool(value, field: path)
            case "sample_age_limit": queue.sampleAgeLimit = try reader.duration(value, field: path)
            default: return false
            }
            return true
        }
    }
}
