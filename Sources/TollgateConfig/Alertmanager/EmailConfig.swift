// Tollgate — TollgateConfig: an `email_configs` entry of alertmanager.yml.

import Yams

/// One `email_configs` entry (Alertmanager's `EmailConfig`). The globals `smtp_*` fill
/// what is left unset, as Alertmanager fills them when it loads the file.
public struct EmailConfig: Sendable {
    /// `send_resolved` (false).
    public var sendResolved = false
    /// `to` (required; comma-separated addresses allowed).
    public var to: String
    /// `from`; else `smtp_from` (one is required).
    public var from = ""
    /// `hello`; else `smtp_hello`.
    public var hello = ""
    /// `smarthost` (`host:port`); else `smtp_smarthost` (one is required).
    public var smarthost = ""
    /// `auth_username`; else `smtp_auth_username`.
    public var authUsername = ""
    /// `auth_password` / `auth_password_file`; else the global pair.
    public var authPassword: Secret?
    /// `auth_secret` / `auth_secret_file`; else the global pair.
    public var authSecret: Secret?
    /// `auth_identity`; else `smtp_auth_identity`.
    public var authIdentity = ""
    /// `headers`, names in canonical MIME form (`Subject`); `Subject`, `To` and `From` have
    /// template defaults.
    public var headers: [String: String] = [:]
    /// `html` (template).
    public var html = #"{{ template "email.default.html" . }}"#
    /// `text` (none).
    public var text = ""
    /// `require_tls`; else `smtp_require_tls`. Nil until the globals are filled in.
    public var requireTLS: Bool?
    /// `tls_config`; else `smtp_tls_config`. Nil until the globals are filled in.
    public var tlsConfig: HTTPClientConfig.TLS?

    /// Mail to `to`, with the defaults.
    public init(to: String) {
        self.to = to
        headers = Self.defaultHeaders
    }

    static let defaultHeaders: [String: String] = [
        "Subject": #"{{ template "email.default.subject" . }}"#,
        "To": "{{ .To }}",
        "From": "{{ .From }}",
    ]

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        to = ""
        var written: [String: String] = [:]
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "send_resolved": sendResolved = try reader.bool(value, field: path)
            case "to": to = try reader.string(value, field: path)
            case "from": from = try reader.string(value, field: path)
            case "hello": hello = try reader.string(value, field: path)
            case "smarthost": smarthost = try reader.hostPort(value, field: path)
            case "auth_username": authUsername = try reader.string(value, field: path)
            case "auth_identity": authIdentity = try reader.string(value, field: path)
            case "auth_password", "auth_password_file", "auth_secret", "auth_secret_file": _ = try reader.string(value, field: path)
            case "html": html = try reader.string(value, field: path)
            case "text": text = try reader.string(value, field: path)
            case "require_tls": requireTLS = try reader.bool(value, field: path)
            case "tls_config": tlsConfig = try HTTPClientConfig.tls(value, reader: reader, field: path)
            case "headers":
                for (name, entry) in try reader.mapping(value, field: path) {
                    let canonical = Self.canonicalHeader(name.name)
                    guard written[canonical] == nil else {
                        throw reader.error(name.node, field: "\(path).\(name.name)", "duplicate header \"\(canonical)\" in email config")
                    }
                    written[canonical] = try reader.string(entry, field: "\(path).\(name.name)")
                }
            default: return false
            }
            return true
        }
        guard !to.isEmpty else { throw reader.error(node, field: field, "missing to address in email config") }
        headers = Self.defaultHeaders.merging(written) { _, new in new }
        authPassword = try reader.secret("auth_password", fileKey: "auth_password_file", in: node, field: field)
        authSecret = try reader.secret("auth_secret", fileKey: "auth_secret_file", in: node, field: field)
    }

    /// Go's `textproto.CanonicalMIMEHeaderKey`: each dash-separated word capitalised.
    static func canonicalHeader(_ name: String) -> String {
        name.split(separator: "-", omittingEmptySubsequences: false).map { word in
            word.prefix(1).uppercased() + word.dropFirst().lowercased()
        }.joined(separator: "-")
    }
}
