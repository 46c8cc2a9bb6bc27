// Tollgate — TollgateConfig: the HTTP client fields of a scrape job.

import Yams

/// How to reach a job's targets: authentication, TLS, proxy, redirects, headers
/// (Prometheus's `HTTPClientConfig`). File paths are resolved against the
/// configuration file's folder; secrets in files are read at each request.
public struct HTTPClientConfig: Sendable, Equatable {
    /// `basic_auth`: a user name and a password (inline or in a file).
    public struct BasicAuth: Sendable, Equatable {
        /// `username`.
        public var username = ""
        /// `username_file`: read at each request.
        public var usernameFile: String?
        /// `password`.
        public var password = ""
        /// `password_file`: read at each request.
        public var passwordFile: String?
    }

    /// `authorization` (or the older `bearer_token`): a header `Authorization: <type> <credentials>`.
    public struct Authorization: Sendable, Equatable {
        /// `type` (`Bearer`).
        public var type = "Bearer"
        /// `credentials`.
        public var credentials = ""
        /// `credentials_file`: read at each request.
        public var credentialsFile: String?
    }

    /// `tls_config`.
    public struct TLS: Sendable, Equatable {
        /// `ca`: inline PEM.
        public var ca: String?
        /// `ca_file`.
        public var caFile: String?
        /// `cert`: inline PEM client certificate.
        public var cert: String?
        /// `cert_file`.
        public var certFile: String?
        /// `key`: inline PEM client key.
        public var key: String?
        /// `key_file`.
        public var keyFile: String?
        /// `server_name`: SNI and the name verified.
        public var serverName: String?
        /// `insecure_skip_verify`.
        public var insecureSkipVerify = false
        /// `min_version`: `TLS10` … `TLS13`.
        public var minVersion: String?
    }

    /// `basic_auth`.
    public var basicAuth: BasicAuth?
    /// `authorization`, or `bearer_token` / `bearer_token_file`.
    public var authorization: Authorization?
    /// `tls_config`.
    public var tls = TLS()
    /// `proxy_url`.
    public var proxyURL: String?
    /// `no_proxy`.
    public var noProxy: String?
    /// `follow_redirects` (true).
    public var followRedirects = true
    /// `enable_http2` (true).
    public var enableHTTP2 = true
    /// `http_headers`: each header's values (inline, then the contents of each file).
    public var headers: [String: HeaderValues] = [:]

    /// One `http_headers` entry.
    public struct HeaderValues: Sendable, Equatable {
        /// `values` and `secrets`.
        public var values: [String] = []
        /// `files`: each file's contents is one value, read at each request.
        public var files: [String] = []
    }

    /// No authentication, default TLS, redirects followed.
    public init() {}

    /// Reads the HTTP client field `key` of a scrape job; false when `key` is not one.
    mutating func read(_ key: NodeReader.Key, _ value: Node, reader: NodeReader, field: String) throws(ConfigError) -> Bool {
        switch key.name {
        case "basic_auth": basicAuth = try Self.basicAuth(value, reader: reader, field: field)
        case "authorization": authorization = try Self.authorization(value, reader: reader, field: field)
        case "bearer_token": authorization = Authorization(credentials: try reader.string(value, field: field))
        case "bearer_token_file": authorization = Authorization(credentialsFile: try reader.path(value, field: field))
        case "tls_config": tls = try Self.tls(value, reader: reader, field: field)
        case "proxy_url": proxyURL = try reader.string(value, field: field)
        case "no_proxy": noProxy = try reader.string(value, field: field)
        case "follow_redirects": followRedirects = try reader.bool(value, field: field)
        case "enable_http2": enableHTTP2 = try reader.bool(value, field: field)
        case "http_headers":
            for (name, entry) in try reader.mapping(value, field: field) {
                headers[name.name] = try Self.headerValues(entry, reader: reader, field: "\(field).\(name.name)")
            }
        case "oauth2", "proxy_from_environment", "proxy_connect_header":
            throw reader.error(key.node, field: field, "not supported by this version of Tollgate yet")
        default: return false
        }
        return true
    }

    private static func basicAuth(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> BasicAuth {
        var auth = BasicAuth()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "username": auth.username = try reader.string(value, field: path)
            case "username_file": auth.usernameFile = try reader.path(value, field: path)
            case "password": auth.password = try reader.string(value, field: path)
            case "password_file": auth.passwordFile = try reader.path(value, field: path)
            default: return false
            }
            return true
        }
        if !auth.password.isEmpty && auth.passwordFile != nil {
            throw reader.error(node, field: field, "at most one of basic_auth password & password_file must be configured")
        }
        return auth
    }

    private static func authorization(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> Authorization {
        var auth = Authorization()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "type": auth.type = try reader.string(value, field: path)
            case "credentials": auth.credentials = try reader.string(value, field: path)
            case "credentials_file": auth.credentialsFile = try reader.path(value, field: path)
            default: return false
            }
            return true
        }
        if auth.type.lowercased() == "basic" {
            throw reader.error(node, field: "\(field).type", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead")
        }
        if !auth.credentials.isEmpty && auth.credentialsFile != nil {
            throw reader.error(node, field: field, "at most one of authorization credentials & credentials_file must be configured")
        }
        return auth
    }

    private static func tls(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> TLS {
        var tls = TLS()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "ca": tls.ca = try reader.string(value, field: path)
            case "ca_file": tls.caFile = try reader.path(value, field: path)
            case "cert": tls.cert = try reader.string(value, field: path)
            case "cert_file": tls.certFile = try reader.path(value, field: path)
            case "key": tls.key = try reader.string(value, field: path)
            case "key_file": tls.keyFile = try reader.path(value, field: path)
            case "server_name": tls.serverName = try reader.string(value, field: path)
            case "insecure_skip_verify": tls.insecureSkipVerify = try reader.bool(value, field: path)
            case "min_version":
                let version = try reader.string(value, field: path)
                guard ["TLS10", "TLS11", "TLS12", "TLS13"].contains(version) else {
                    throw reader.error(value, field: path, "unknown TLS version \"\(version)\"; expected TLS10, TLS11, TLS12 or TLS13")
                }
                tls.minVersion = version
            case "max_version", "ca_ref", "cert_ref", "key_ref":
                throw reader.error(key.node, field: path, "not supported by this version of Tollgate yet")
            default: return false
            }
            return true
        }
        if tls.ca != nil && tls.caFile != nil { throw reader.error(node, field: field, "at most one of ca and ca_file must be configured") }
        if tls.cert != nil && tls.certFile != nil { throw reader.error(node, field: field, "at most one of cert and cert_file must be configured") }
        if tls.key != nil && tls.keyFile != nil { throw reader.error(node, field: field, "at most one of key and key_file must be configured") }
        if (tls.cert != nil || tls.certFile != nil) != (tls.key != nil || tls.keyFile != nil) {
            throw reader.error(node, field: field, "a client certificate needs both a certificate and a key")
        }
        return tls
    }

    private static func headerValues(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> HeaderValues {
        var header = HeaderValues()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "values", "secrets": header.values += try reader.strings(value, field: path)
            case "files": header.files += try reader.strings(value, field: path).map(reader.resolve)
            default: return false
            }
            return true
        }
        return header
    }
}
