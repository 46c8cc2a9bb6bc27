// Tollgate — TollgateConfig: the HTTP client fields of a scrape job.

import Yams

/// How to reach a job's targets: authentication, TLS, proxy, redirects, headers
/// (Prometheus's `HTTPClientConfig`). File paths are resolved against the
/// configuration file's folder; secrets in files are read at each request
/// (``request(url:)``), and printing the configuration shows them as `<secret>`.
public struct HTTPClientConfig: Sendable, Equatable {
    /// `basic_auth`: a user name and a password (inline or in a file).
    public struct BasicAuth: Sendable, Equatable {
        /// `username` or `username_file` (hidden when printed, like the password).
        public var username: Secret?
        /// `password` or `password_file`.
        public var password: Secret?
    }

    /// `authorization` (or the older `bearer_token`): a header `Authorization: <type> <credentials>`.
    public struct Authorization: Sendable, Equatable {
        /// `type` (`Bearer`).
        public var type = "Bearer"
        /// `credentials` or `credentials_file`.
        public var credentials: Secret?
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
        /// `key` (inline PEM client key) or `key_file`; curl reads the file when it connects.
        public var key: Secret?
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
        /// `values`.
        public var values: [String] = []
        /// `secrets`: sent like values, hidden when printed.
        public var secrets: [Secret] = []
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
        case "bearer_token", "bearer_token_file": break  // read together by `complete`
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

    /// Completes a job's HTTP client fields once all of them are read: the `bearer_token`
    /// pair, and Prometheus's checks across fields.
    /// - Parameters:
    ///   - node: the mapping that holds the fields (the scrape job).
    ///   - reader: the file's reader.
    ///   - field: the mapping's dotted path.
    mutating func complete(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        if let token = try reader.secret("bearer_token", fileKey: "bearer_token_file", in: node, field: field) {
            if basicAuth != nil {
                throw reader.error(node, field: field, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
            }
            if authorization != nil {
                throw reader.error(node, field: field, "authorization is not compatible with bearer_token & bearer_token_file")
            }
            authorization = Authorization(credentials: token)
        }
        if authorization != nil && basicAuth != nil {
            throw reader.error(node, field: field, "at most one of basic_auth, oauth2 & authorization must be configured")
        }
    }

    private static func basicAuth(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> BasicAuth {
        try reader.fields(node, field: field) { (key, _, _) throws(ConfigError) -> Bool in
            ["username", "username_file", "password", "password_file"].contains(key.name)
        }
        return BasicAuth(
            username: try reader.secret("username", fileKey: "username_file", in: node, field: field, owner: "basic_auth"),
            password: try reader.secret("password", fileKey: "password_file", in: node, field: field, owner: "basic_auth"))
    }

    private static func authorization(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> Authorization {
        var auth = Authorization()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "type": auth.type = try reader.string(value, field: path)
            case "credentials", "credentials_file": break  // read together below
            default: return false
            }
            return true
        }
        if auth.type.lowercased() == "basic" {
            throw reader.error(node, field: "\(field).type", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead")
        }
        auth.credentials = try reader.secret("credentials", fileKey: "credentials_file", in: node, field: field, owner: "authorization")
        return auth
    }

    static func tls(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> TLS {
        var tls = TLS()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "ca", "ca_file", "cert", "cert_file", "key", "key_file": break  // read in pairs below
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
        // The CA and certificate are no secrets, but take the same inline-or-file form.
        switch try reader.secret("ca", fileKey: "ca_file", in: node, field: field, joinedBy: "and") {
        case .inline(let pem): tls.ca = pem
        case .file(let path): tls.caFile = path
        case nil: break
        }
        switch try reader.secret("cert", fileKey: "cert_file", in: node, field: field, joinedBy: "and") {
        case .inline(let pem): tls.cert = pem
        case .file(let path): tls.certFile = path
        case nil: break
        }
        tls.key = try reader.secret("key", fileKey: "key_file", in: node, field: field, joinedBy: "and")
        if (tls.cert != nil || tls.certFile != nil) != (tls.key != nil) {
            throw reader.error(node, field: field, "a client certificate needs both a certificate and a key")
        }
        return tls
    }

    private static func headerValues(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> HeaderValues {
        var header = HeaderValues()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "values": header.values += try reader.strings(value, field: path)
            case "secrets": header.secrets += try reader.strings(value, field: path).map(Secret.inline)
            case "files": header.files += try reader.strings(value, field: path).map(reader.resolve)
            default: return false
            }
            return true
        }
        return header
    }
}
