// Tollgate — TollgateConfig: the `http` prober's settings of a probe module.

import Yams

/// The `http` section of a probe module, as blackbox_exporter reads it: what to send,
/// which answers count as up, and the HTTP client fields of a scrape job (`tls_config`,
/// `basic_auth`, `follow_redirects`, …) inline.
public struct HTTPProbeSettings: Sendable, Equatable {
    /// `valid_status_codes`; empty means any 2xx.
    public var validStatusCodes: [Int] = []
    /// `valid_http_versions` (`HTTP/1.1`, `HTTP/2.0`); empty means any.
    public var validHTTPVersions: [String] = []
    /// `preferred_ip_protocol`, `ip_protocol_fallback`.
    public var ipProtocol = IPProtocolPreference()
    /// `method` (GET).
    public var method = "GET"
    /// `headers`, by name.
    public var headers: [String: String] = [:]
    /// `body`: sent with the request.
    public var body: String?
    /// `fail_if_ssl`.
    public var failIfSSL = false
    /// `fail_if_not_ssl`.
    public var failIfNotSSL = false
    /// `fail_if_body_matches_regexp`.
    public var failIfBodyMatches: [ProbeRegex] = []
    /// `fail_if_body_not_matches_regexp`.
    public var failIfBodyNotMatches: [ProbeRegex] = []
    /// `fail_if_header_matches`.
    public var failIfHeaderMatches: [HeaderMatch] = []
    /// `fail_if_header_not_matches`.
    public var failIfHeaderNotMatches: [HeaderMatch] = []
    /// `body_size_limit`; 0 means none.
    public var bodySizeLimit: Int64 = 0
    /// `compression`: the content coding to ask for and expect (`gzip`, …); empty asks for none.
    public var compression = ""
    /// `skip_resolve_phase_with_proxy`.
    public var skipResolvePhaseWithProxy = false
    /// The HTTP client fields: `basic_auth`, `authorization`, `bearer_token`, `tls_config`,
    /// `proxy_url`, `follow_redirects` (or the older `no_follow_redirects`), `enable_http2`.
    public var client = HTTPClientConfig()

    /// One `fail_if_header_matches` entry.
    public struct HeaderMatch: Sendable, Equatable {
        /// `header`.
        public var header: String
        /// `regexp`.
        public var regexp: ProbeRegex
        /// `allow_missing`: a missing header does not fail the probe.
        public var allowMissing = false
    }

    /// blackbox_exporter's defaults.
    public init() {}

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "valid_status_codes":
                validStatusCodes = try reader.sequence(value, field: path).enumerated().map { (index, item) throws(ConfigError) in
                    try reader.count(item, field: "\(path)[\(index)]")
                }
            case "valid_http_versions": validHTTPVersions = try reader.strings(value, field: path)
            case "method": method = try reader.string(value, field: path)
            case "headers": headers = try reader.stringMap(value, field: path)
            case "body": body = try reader.string(value, field: path)
            case "fail_if_ssl": failIfSSL = try reader.bool(value, field: path)
            case "fail_if_not_ssl": failIfNotSSL = try reader.bool(value, field: path)
            case "fail_if_body_matches_regexp": failIfBodyMatches = try ProbeRegex.list(value, reader: reader, field: path)
            case "fail_if_body_not_matches_regexp": failIfBodyNotMatches = try ProbeRegex.list(value, reader: reader, field: path)
            case "fail_if_header_matches": failIfHeaderMatches = try Self.headerMatches(value, reader: reader, field: path)
            case "fail_if_header_not_matches": failIfHeaderNotMatches = try Self.headerMatches(value, reader: reader, field: path)
            case "body_size_limit": bodySizeLimit = try reader.byteSize(value, field: path)
            case "compression": compression = try reader.string(value, field: path)
            case "skip_resolve_phase_with_proxy": skipResolvePhaseWithProxy = try reader.bool(value, field: path)
            case "no_follow_redirects": client.followRedirects = !(try reader.bool(value, field: path))
            default:
                if try ipProtocol.read(key, value, reader: reader, field: path) { return true }
                return try client.read(key, value, reader: reader, field: path)
            }
            return true
        }
        try client.complete(node, reader: reader, field: field)
        if failIfSSL && failIfNotSSL {
            throw reader.error(node, field: field, "fail_if_ssl and fail_if_not_ssl cannot both be true")
        }
    }

    private static func headerMatches(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> [HeaderMatch] {
        var matches: [HeaderMatch] = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            let path = "\(field)[\(index)]"
            var header: String?
            var regexp: ProbeRegex?
            var allowMissing = false
            try reader.fields(item, field: path) { (key, value, entry) throws(ConfigError) -> Bool in
                switch key.name {
                case "header": header = try reader.string(value, field: entry)
                case "regexp": regexp = try ProbeRegex(value, reader: reader, field: entry)
                case "allow_missing": allowMissing = try reader.bool(value, field: entry)
                default: return false
                }
                return true
            }
            guard let header, !header.isEmpty else { throw reader.error(item, field: "\(path).header", "header name must be set") }
            guard let regexp else { throw reader.error(item, field: "\(path).regexp", "regexp must be set") }
            matches.append(HeaderMatch(header: header, regexp: regexp, allowMissing: allowMissing))
        }
        return matches
    }
}

/// The `tcp` section of a probe module: a connection, TLS optional, and an exchange of
/// lines (`query_response`).
public struct TCPProbeSettings: Sendable, Equatable {
    /// `preferred_ip_protocol`, `ip_protocol_fallback`.
    public var ipProtocol = IPProtocolPreference()
    /// `query_response`: expect a line matching, send a line, in order.
    public var queryResponse: [QueryResponse] = []
    /// `tls`: TLS from the start.
    public var tls = false
    /// `tls_config`.
    public var tlsConfig = HTTPClientConfig.TLS()

    /// One step of `query_response`.
    public struct QueryResponse: Sendable, Equatable {
        /// `expect`: read lines until one matches.
        public var expect: ProbeRegex?
        /// `send`: a line to send (`${1}` takes the `expect` match's groups).
        public var send: String?
    }

    /// No exchange, plain TCP.
    public init() {}

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "query_response":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    var step = QueryResponse()
                    try reader.fields(item, field: "\(path)[\(index)]") { (key, value, entry) throws(ConfigError) -> Bool in
                        switch key.name {
                        case "expect": step.expect = try ProbeRegex(value, reader: reader, field: entry)
                        case "send": step.send = try reader.string(value, field: entry)
                        case "starttls": throw reader.error(key.node, field: entry, "not supported by this version of Tollgate yet")
                        default: return false
                        }
                        return true
                    }
                    queryResponse.append(step)
                }
            case "tls": tls = try reader.bool(value, field: path)
            case "tls_config": tlsConfig = try HTTPClientConfig.tls(value, reader: reader, field: path)
            case "source_ip_address": throw reader.error(key.node, field: path, "not supported by this version of Tollgate yet")
            default: return try ipProtocol.read(key, value, reader: reader, field: path)
            }
            return true
        }
    }
}
