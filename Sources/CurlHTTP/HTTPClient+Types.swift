// Tollgate — CurlHTTP: what a request asks for and what comes back.

/// One HTTP request for ``HTTPClient``.
///
/// ```swift
/// var request = HTTPClient.Request(url: "http://127.0.0.1:9100/metrics")
/// request.headers = [("Accept", "text/plain")]
/// request.timeoutMilliseconds = 10_000
/// request.maxBodySize = 10 << 20
/// ```
extension HTTPClient {
    public struct Request: Sendable {
        /// The absolute URL (`http` or `https`).
        public var url: String
        /// The method (`GET`).
        public var method = "GET"
        /// Extra headers, in order; `Host` and `Authorization` may be given here.
        public var headers: [(name: String, value: String)] = []
        /// A request body (sent with the method given; POST usually).
        public var body: [UInt8]?
        /// The whole transfer's deadline, connecting included (10 s).
        public var timeoutMilliseconds = 10_000
        /// The most body bytes accepted, after content decoding; 0 means no limit.
        /// A larger body stops the transfer with ``HTTPClientError/bodyTooLarge(limit:)``.
        public var maxBodySize = 0
        /// The content codings to ask for and decode (zlib does the decoding): `gzip`;
        /// nil asks for none and leaves the body as sent.
        public var acceptEncoding: String? = "gzip"
        /// Basic authentication.
        public var basicAuth: BasicAuth?
        /// TLS settings for `https` URLs.
        public var tls = TLSOptions()
        /// A proxy URL (`http://proxy:3128`); nil connects directly, ignoring the environment.
        public var proxyURL: String?
        /// Hosts that bypass the proxy (curl's `NOPROXY` list, comma-separated).
        public var noProxy: String?
        /// Whether to follow up to 10 redirects (true).
        public var followRedirects = true
        /// Whether to negotiate HTTP/2 over TLS (true); plain HTTP is always HTTP/1.1.
        public var enableHTTP2 = true
        /// Whether to measure the transfer for a probe: on a new connection (none reused,
        /// none kept), with the peer's certificates, into ``Response/details``.
        public var recordDetails = false

        /// A GET request for `url` with the defaults.
        public init(url: String) { self.url = url }
    }

    /// A user name and password for basic authentication.
    public struct BasicAuth: Sendable, Equatable {
        /// The user name.
        public var username: String
        /// The password.
        public var password: String
        /// Creates the credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// TLS settings: trust, client certificate, verification.
    public struct TLSOptions: Sendable, Equatable {
        /// A PEM file of CA certificates to trust instead of the system's.
        public var caFile: String?
        /// PEM CA certificates given inline.
        public var ca: String?
        /// The client certificate (PEM file) for mutual TLS.
        public var certFile: String?
        /// The client certificate, inline PEM.
        public var cert: String?
        /// The client key (PEM file).
        public var keyFile: String?
        /// The client key, inline PEM.
        public var key: String?
        /// The name to send as SNI and to verify the certificate against, instead of the URL's host.
        public var serverName: String?
        /// Skips certificate and host-name verification.
        public var insecureSkipVerify = false
        /// The lowest TLS version accepted: `TLS10`, `TLS11`, `TLS12` (default) or `TLS13`.
        public var minVersion: String?

        /// No custom settings.
        public init() {}
    }

    /// A finished response.
    public struct Response: Sendable {
        /// The status code of the last response (after redirects).
        public var status: Int
        /// The headers of the last response, names lowercased, in order.
        public var headers: [(name: String, value: String)]
        /// The body, decoded when ``Request/acceptEncoding`` asked for a coding.
        public var body: [UInt8]
        /// Wall time of the whole transfer, in microseconds.
        public var totalMicroseconds: Int64
        /// The HTTP version spoken: `1.0`, `1.1` or `2`.
        public var httpVersion: String
        /// Phases, redirects and certificates, when the request asked (``Request/recordDetails``).
        public var details: TransferDetails?

        /// The first header with this (lowercase) name.
        public func header(_ name: String) -> String? {
            headers.first { $0.name == name }?.value
        }
    }
}

/// Why a request did not produce a response.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The deadline passed.
    case timeout(milliseconds: Int)
    /// The body grew past the limit; the transfer was stopped.
    case bodyTooLarge(limit: Int)
    /// The task was cancelled or the client shut down.
    case cancelled
    /// The request could not be made as given (bad option, URL, file).
    case invalidRequest(String)
    /// Connecting, TLS or the transfer failed; curl's error code and message.
    case transport(code: Int, message: String)

    public var description: String {
        switch self {
        case .timeout(let ms): "request timed out after \(ms) ms"
        case .bodyTooLarge(let limit): "body size limit exceeded (\(limit) bytes)"
        case .cancelled: "request cancelled"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .transport(_, let message): message
        }
    }
}
