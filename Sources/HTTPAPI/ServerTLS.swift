// Tollgate — HTTPAPI: the server's TLS context from a web configuration's tls_server_config.

import Foundation
import NIOCore
package import NIOSSL
package import TollgateConfig

/// A TLS context for the server, built from `tls_server_config` with Go's semantics for
/// each `client_auth_type`:
///
/// | client_auth_type | asks | requires | checks against client_ca_file |
/// |---|---|---|---|
/// | NoClientCert | no | no | no |
/// | RequestClientCert | yes | no | no |
/// | RequireAnyClientCert | yes | yes | no |
/// | VerifyClientCertIfGiven | yes | no | yes, when one is sent |
/// | RequireAndVerifyClientCert | yes | yes | yes |
///
/// BoringSSL checks a certificate it asks for; where Go does not, a verification callback
/// that accepts any certificate takes BoringSSL's place.
package struct ServerTLS: Sendable {
    /// The context every new connection's handler is made from.
    package let context: NIOSSLContext
    /// Accepts any client certificate (RequestClientCert, RequireAnyClientCert), or nil.
    package let acceptAnyCertificate: Bool

    /// Reads the certificate, key and client CAs and builds the context.
    /// - Parameters:
    ///   - config: the section.
    ///   - file: the web configuration file, for errors.
    /// - Throws: ``ConfigError`` naming the field whose file cannot be read or used.
    package init(_ config: TLSServerConfig, file: String) throws(ConfigError) {
        func failure(_ field: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: config.lines[field], field: "tls_server_config.\(field)", message: message)
        }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(config.certFile)
        } catch {
            throw failure("cert_file", "cannot load the certificate \(config.certFile): \(Self.reason(error, path: config.certFile))")
        }
        guard !chain.isEmpty else { throw failure("cert_file", "no certificate in \(config.certFile)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: config.keyFile, format: .pem)
        } catch {
            throw failure("key_file", "cannot load the private key \(config.keyFile): \(Self.reason(error, path: config.keyFile))")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = Self.version(config.minVersion)
        tls.maximumTLSVersion = Self.version(config.maxVersion)
        // As in Go, the list applies up to TLS 1.2; TLS 1.3's suites are fixed.
        let suites = config.cipherSuites.filter { $0 >> 8 != 0x13 }
        if !suites.isEmpty { tls.cipherSuiteValues = suites.map { NIOTLSCipher(rawValue: $0) } }
        if !config.curvePreferences.isEmpty { tls.curves = config.curvePreferences.map { NIOTLSCurve(rawValue: $0) } }
        if let caFile = config.clientCAFile {
            do {
                let authorities = try NIOSSLCertificate.fromPEMFile(caFile)
                guard !authorities.isEmpty else { throw failure("client_ca_file", "no certificate in \(caFile)") }
                tls.trustRoots = .certificates(authorities)
                tls.sendCANameList = true
            } catch let error as ConfigError {
                throw error
            } catch {
                throw failure("client_ca_file", "cannot load the client CAs \(caFile): \(Self.reason(error, path: caFile))")
            }
        }
        switch config.clientAuth {
        case .noClientCert: tls.certificateVerification = .none
        case .requestClientCert, .verifyClientCertIfGiven: tls.certificateVerification = .optionalVerification
        case .requireAnyClientCert, .requireAndVerifyClientCert: tls.certificateVerification = .noHostnameVerification
        }
        acceptAnyCertificate = config.clientAuth == .requestClientCert || config.clientAuth == .requireAnyClientCert
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw failure("cert_file", "cannot use the certificate and key: \(error)")
        }
    }

    /// A handler for one new connection.
    package func handler() -> NIOSSLServerHandler {
        guard acceptAnyCertificate else { return NIOSSLServerHandler(context: context, configuration: .init()) }
        return NIOSSLServerHandler(context: context, customVerificationCallback: { _, promise in promise.succeed(.certificateVerified) }, configuration: .init())
    }

    private static func version(_ version: TLSServerConfig.Version) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }

    /// The system's reason for a file that cannot be read, else the library's error.
    private static func reason(_ error: any Error, path: String) -> String {
        if let io = error as? IOError { return "\(io.description)" }
        if access(path, R_OK) != 0 { return String(cString: strerror(errno)) }
        return "\(error)"
    }
}
