// Tollgate — TollgateConfig: the web configuration file (`--web.config.file`).

import Yams

/// Prometheus's web configuration file (exporter-toolkit's format, read unchanged):
/// TLS on the server, basic authentication with bcrypt hashes, extra response headers.
///
/// Tollgate adds one field, `basic_auth_write_users`: when it is set, a request that
/// changes something (silences, rollouts, the lifecycle and admin endpoints) needs one of
/// its users; reads never do (see docs/security.md).
///
/// ```swift
/// let config = try WebConfig(path: "/etc/tollgate/web.yml")
/// if let tls = config.tls { print(tls.certFile) }
/// ```
public struct WebConfig: CheckedFile, Equatable {
    /// The file read, or "" for the empty configuration.
    public var path: String
    /// `tls_server_config`, when it turns TLS on (a certificate and key are given).
    public var tls: TLSServerConfig?
    /// `http_server_config.http2` (default true). Tollgate serves HTTP/1.1 either way.
    public var http2 = true
    /// `http_server_config.headers`: headers added to every response.
    public var headers: [String: String] = [:]
    /// `basic_auth_users`: user name to bcrypt hash. Empty: no authentication.
    public var basicAuthUsers: [String: Secret] = [:]
    /// `basic_auth_write_users` (Tollgate's): user name to bcrypt hash of the users who
    /// may change things. Empty: whoever may read may write.
    public var basicAuthWriteUsers: [String: Secret] = [:]

    /// The empty configuration: plain HTTP, no authentication.
    public init(emptyAt path: String) { self.path = path }

    /// The headers Prometheus lets a web configuration set, with the values each one
    /// takes (nil: any value).
    public static let allowedHeaders: [String: [String]?] = [
        "Strict-Transport-Security": nil,
        "X-Content-Type-Options": ["nosniff"],
        "X-Frame-Options": ["deny", "sameorigin"],
        "X-XSS-Protection": nil,
        "Content-Security-Policy": nil,
    ]

    /// Parses a web configuration file's text; every problem is named with its line and field.
    public static func read(yaml: String, path: String) -> (WebConfig, [ConfigError]) {
        var config = WebConfig(emptyAt: path)
        let problems = problems(reading: yaml, path: path) { (root, reader) throws(ConfigError) in
            if case .scalar(let scalar) = root, scalar.string.isEmpty || scalar.string == "null" { return }
            for (key, value) in try reader.mapping(root, field: nil) {
                reader.attempt { () throws(ConfigError) in
                    switch key.name {
                    case "tls_server_config": config.tls = try TLSServerConfig.read(value, reader: reader, field: key.name)
                    case "http_server_config": try config.readHTTP(value, reader: reader, field: key.name)
                    case "basic_auth_users": config.basicAuthUsers = try readUsers(value, reader: reader, field: key.name)
                    case "basic_auth_write_users": config.basicAuthWriteUsers = try readUsers(value, reader: reader, field: key.name)
                    default: throw reader.error(key.node, field: key.name, "unknown field")
                    }
                }
            }
        }
        return (config, problems)
    }

    private mutating func readHTTP(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "http2": http2 = try reader.bool(value, field: path)
            case "headers":
                for (name, text) in try reader.mapping(value, field: path) {
                    let header = try reader.string(text, field: "\(path).\(name.name)")
                    guard let allowed = Self.allowedHeaders[name.name] else {
                        throw reader.error(name.node, field: "\(path).\(name.name)", "HTTP header \"\(name.name)\" can not be configured")
                    }
                    if let allowed, !allowed.contains(header) {
                        throw reader.error(
                            text, field: "\(path).\(name.name)",
                            "invalid value \"\(header)\"; expected one of: \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
                    }
                    headers[name.name] = header
                }
            default: return false
            }
            return true
        }
    }

    /// A mapping of user names to bcrypt hashes, each hash checked for bcrypt's form.
    private static func readUsers(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> [String: Secret] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [:] }
        var users: [String: Secret] = [:]
        for (name, value) in try reader.mapping(node, field: field) {
            let path = "\(field).\(name.name)"
            let hash = try reader.string(value, field: path)
            if let problem = BcryptHash.problem(hash) { throw reader.error(value, field: path, problem) }
            users[name.name] = .inline(hash)
        }
        return users
    }
}

/// The form of a bcrypt hash (`$2a$`, `$2b$` or `$2y$`, a cost of 04 to 31, 53 characters
/// of bcrypt's base64), checked when a web configuration is read, as Prometheus checks it.
public enum BcryptHash {
    private static let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// What is wrong with `hash` (never showing it), or nil when it has bcrypt's form.
    public static func problem(_ hash: String) -> String? {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60 else { return "not a bcrypt hash (expected 60 characters, got \(bytes.count))" }
        guard ["$2a$", "$2b$", "$2y$"].contains(String(decoding: bytes[0..<4], as: UTF8.self)) else {
            return "not a bcrypt hash (expected it to start with $2a$, $2b$ or $2y$)"
        }
        guard bytes[6] == UInt8(ascii: "$"), let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), (4...31).contains(cost) else {
            return "not a bcrypt hash (expected a cost from 04 to 31 after the version)"
        }
        guard bytes[7...].allSatisfy({ alphabet.contains($0) }) else { return "not a bcrypt hash (a character outside bcrypt's base64)" }
        return nil
    }
}
