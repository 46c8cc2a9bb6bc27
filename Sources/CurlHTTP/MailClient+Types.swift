// Tollgate — CurlHTTP: what an SMTP submission asks for, and why one fails.

extension MailClient {
    /// How the connection to the mail server is protected.
    public enum Security: Sendable, Equatable {
        /// Plain SMTP; no STARTTLS even when the server offers it (`require_tls: false`).
        case none
        /// STARTTLS, required: a server that does not take it fails the submission
        /// (`require_tls: true`, Alertmanager's default).
        case startTLS
        /// TLS from the first byte (`smtps`, port 465).
        case implicitTLS
    }

    /// SMTP authentication (`AUTH`), used only when the server offers it.
    public struct Auth: Sendable, Equatable {
        /// The user name (`auth_username`).
        public var username: String
        /// The password (`auth_password`), or the CRAM-MD5 secret (`auth_secret`).
        public var password: String
        /// The authorization identity for `AUTH PLAIN` (`auth_identity`); empty for none.
        public var identity: String
        /// The SASL mechanisms allowed (`PLAIN`, `LOGIN`, `CRAM-MD5`); empty lets curl take
        /// the best one the server offers.
        public var mechanisms: [String]

        /// Creates the credentials.
        public init(username: String, password: String, identity: String = "", mechanisms: [String] = []) {
            self.username = username
            self.password = password
            self.identity = identity
            self.mechanisms = mechanisms
        }
    }

    /// One message to submit to a mail server.
    ///
    /// ```swift
    /// var request = MailClient.Request(host: "127.0.0.1", port: 2525, from: "am@example.com",
    ///                                  recipients: ["ops@example.com"], message: Array(mime.utf8))
    /// request.security = .none
    /// ```
    public struct Request: Sendable {
        /// The server's host name or address (an IPv6 address without brackets).
        public var host: String
        /// The server's port.
        public var port: Int
        /// The name sent with `EHLO` (`hello`, Alertmanager's default `localhost`).
        public var hello = "localhost"
        /// The envelope sender (`MAIL FROM`), a bare address.
        public var from: String
        /// The envelope recipients (`RCPT TO`), bare addresses.
        public var recipients: [String]
        /// The message as sent after `DATA`: headers and body with CRLF line ends; curl
        /// escapes leading dots and adds the final `.`.
        public var message: [UInt8]
        /// The connection's protection (``Security/startTLS``).
        public var security = Security.startTLS
        /// Credentials, if the server is to be authenticated to.
        public var auth: Auth?
        /// TLS settings for STARTTLS and implicit TLS.
        public var tls = HTTPClient.TLSOptions()
        /// The whole submission's deadline, connecting included (30 s).
        public var timeoutMilliseconds = 30_000

        /// A submission with STARTTLS required, no authentication and the defaults.
        public init(host: String, port: Int, from: String, recipients: [String], message: [UInt8]) {
            self.host = host
            self.port = port
            self.from = from
            self.recipients = recipients
            self.message = message
        }
    }
}

/// Why a message was not accepted by the mail server.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: Sendable, Equatable {
        /// The request could not be made as given (bad option, address, file).
        case invalidRequest
        /// The deadline passed.
        case timeout
        /// The task was cancelled.
        case cancelled
        /// Connecting or talking to the server failed.
        case connection
        /// TLS failed, or the server did not take STARTTLS.
        case tls
        /// The server refused the credentials.
        case authentication
        /// The server rejected a command (sender, recipient, message).
        case rejected
    }

    /// What went wrong.
    public var kind: Kind
    /// curl's result code (0 when curl was not reached).
    public var curlCode: Int
    /// The server's last reply code (`550`), 0 when none was read.
    public var replyCode: Int
    /// curl's message, with the server named.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, curlCode: Int = 0, replyCode: Int = 0, message: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.replyCode = replyCode
        self.message = message
    }

    /// Whether trying again later may succeed: connection, TLS and timeout failures and
    /// 4xx (transient) replies may; 5xx (permanent) replies, bad requests and
    /// cancellation do not.
    public var isRetryable: Bool {
        switch kind {
        case .invalidRequest, .cancelled: return false
        case .timeout, .connection, .tls: return true
        case .authentication, .rejected: return !(500..<600).contains(replyCode)
        }
    }

    public var description: String { message }
}
