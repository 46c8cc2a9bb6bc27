// Tollgate — TollgateConfig: the web configuration's `tls_server_config`.

import Yams

/// `tls_server_config` of a web configuration file, with exporter-toolkit's defaults
/// (TLS 1.2 to 1.3, the server's cipher order preferred, no client certificate).
///
/// Paths are resolved against the web configuration file's folder; the files are read
/// when the server builds its TLS context (at start, and again when one of them changes).
public struct TLSServerConfig: Sendable, Equatable {
    /// How the server asks for, and checks, client certificates: Go's `tls.ClientAuthType` names.
    public enum ClientAuth: String, Sendable, CaseIterable {
        /// No certificate is asked for.
        case noClientCert = "NoClientCert"
        /// A certificate is asked for, not required and not checked.
        case requestClientCert = "RequestClientCert"
        /// A certificate is required, not checked.
        case requireAnyClientCert = "RequireAnyClientCert"
        /// A certificate is asked for and checked against `client_ca_file` when given.
        case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
        /// A certificate is required and checked against `client_ca_file`.
        case requireAndVerifyClientCert = "RequireAndVerifyClientCert"
    }

    /// A TLS protocol version, by exporter-toolkit's names.
    public enum Version: String, Sendable, Comparable, CaseIterable {
        /// TLS 1.0.
        case tls10 = "TLS10"
        /// TLS 1.1.
        case tls11 = "TLS11"
        /// TLS 1.2.
        case tls12 = "TLS12"
        /// TLS 1.3.
        case tls13 = "TLS13"

        private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
        /// Older first.
        public static func < (a: Version, b: Version) -> Bool { a.order < b.order }
    }

    /// `cert_file`: the server's certificate chain (PEM).
    public var certFile: String
    /// `key_file`: the server's private key (PEM).
    public var keyFile: String
    /// `client_ca_file`: the CAs client certificates are checked against.
    public var clientCAFile: String?
    /// `client_auth_type`.
    public var clientAuth = ClientAuth.noClientCert
    /// `min_version` (default TLS12).
    public var minVersion = Version.tls12
    /// `max_version` (default TLS13).
    public var maxVersion = Version.tls13
    /// `cipher_suites`: IANA code points of the suites allowed up to TLS 1.2 (TLS 1.3's are
    /// fixed, as in Go); empty: the library's defaults.
    public var cipherSuites: [UInt16] = []
    /// `curve_preferences`: TLS group code points; empty: the library's defaults.
    public var curvePreferences: [UInt16] = []
    /// `prefer_server_cipher_suites` (default true). Accepted; it changes nothing, as in
    /// Go since 1.18, where the server's order is used whenever it matters.
    public var preferServerCipherSuites = true
    /// The line of each field given (`cert_file`: 3), for errors found when the files are read.
    public var lines: [String: Int] = [:]

    /// Go's names of the suites `cipher_suites` takes (`tls.CipherSuites()`), with their code points.
    public static let cipherSuiteNames: [String: UInt16] = [
        "TLS_RSA_WITH_AES_128_CBC_SHA": 0x002F, "TLS_RSA_WITH_AES_256_CBC_SHA": 0x0035,
        "TLS_RSA_WITH_AES_128_GCM_SHA256": 0x009C, "TLS_RSA_WITH_AES_256_GCM_SHA384": 0x009D,
        "TLS_AES_128_GCM_SHA256": 0x1301, "TLS_AES_256_GCM_SHA384": 0x1302, "TLS_CHACHA20_POLY1305_SHA256": 0x1303,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": 0xC00A,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    /// exporter-toolkit's curve names, with their code points.
    public static let curveNames: [String: UInt16] = ["CurveP256": 23, "CurveP384": 24, "CurveP521": 25, "X25519": 29]

    /// Reads the section; nil when it turns nothing on (no field of TLS given), as
    /// exporter-toolkit then serves plain HTTP.
    static func read(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> TLSServerConfig? {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return nil }
        var certFile = "", keyFile = "", clientCA = "", authName = ""
        var config = TLSServerConfig(certFile: "", keyFile: "")
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            config.lines[key.name] = key.node.mark?.line
            switch key.name {
            case "cert_file": certFile = try reader.string(value, field: path)
            case "key_file": keyFile = try reader.string(value, field: path)
            case "client_ca_file": clientCA = try reader.string(value, field: path)
            case "client_auth_type":
                authName = try reader.string(value, field: path)
                // RequireClientCert is exporter-toolkit's older name of RequireAnyClientCert.
                let name = authName == "RequireClientCert" ? ClientAuth.requireAnyClientCert.rawValue : authName
                guard let auth = name.isEmpty ? ClientAuth.noClientCert : ClientAuth(rawValue: name) else {
                    throw reader.error(
                        value, field: path, "invalid client_auth_type \"\(authName)\"; expected one of \(ClientAuth.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                config.clientAuth = auth
            case "min_version": config.minVersion = try version(value, reader: reader, field: path)
            case "max_version": config.maxVersion = try version(value, reader: reader, field: path)
            case "prefer_server_cipher_suites": config.preferServerCipherSuites = try reader.bool(value, field: path)
            case "cipher_suites": config.cipherSuites = try codes(value, names: cipherSuiteNames, what: "cipher", reader: reader, field: path)
            case "curve_preferences": config.curvePreferences = try codes(value, names: curveNames, what: "curve", reader: reader, field: path)
            case "client_allowed_sans":
                throw reader.error(key.node, field: path, "client_allowed_sans is not supported by Tollgate; use client_ca_file with a CA of its own")
            default: return false
            }
            return true
        }
        guard !(certFile.isEmpty && keyFile.isEmpty && clientCA.isEmpty && authName.isEmpty) else { return nil }
        guard !certFile.isEmpty else { throw reader.error(node, field: "\(field).cert_file", "missing cert_file") }
        guard !keyFile.isEmpty else { throw reader.error(node, field: "\(field).key_file", "missing key_file") }
        config.certFile = reader.resolve(certFile)
        config.keyFile = reader.resolve(keyFile)
        config.clientCAFile = clientCA.isEmpty ? nil : reader.resolve(clientCA)
        if config.clientCAFile != nil && config.clientAuth == .noClientCert {
            throw reader.error(node, field: "\(field).client_ca_file", "client CA's have been configured without a Client Auth Policy")
        }
        if config.minVersion > config.maxVersion {
            throw reader.error(node, field: "\(field).min_version", "min_version \(config.minVersion.rawValue) is above max_version \(config.maxVersion.rawValue)")
        }
        return config
    }

    /// Creates a section with the defaults.
    /// - Parameters:
    ///   - certFile: the certificate chain's path.
    ///   - keyFile: the private key's path.
    public init(certFile: String, keyFile: String) {
        self.certFile = certFile
        self.keyFile = keyFile
    }

    private static func version(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> Version {
        let name = try reader.string(node, field: field)
        guard let version = Version(rawValue: name) else {
            throw reader.error(node, field: field, "unknown TLS version: \(name); expected one of \(Version.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return version
    }

    private static func codes(_ node: Node, names: [String: UInt16], what: String, reader: NodeReader, field: String) throws(ConfigError) -> [UInt16] {
        var found: [UInt16] = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            let name = try reader.string(item, field: "\(field)[\(index)]")
            guard let code = names[name] else { throw reader.error(item, field: "\(field)[\(index)]", "unknown \(what): \(name)") }
            found.append(code)
        }
        return found
    }
}
