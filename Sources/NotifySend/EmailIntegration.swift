// Tollgate — NotifySend: the email integration (`notify/email`): the rendered MIME message,
// submitted over SMTP.

public import CurlHTTP
import Foundation
public import Notify
public import NotifyRender
public import TollgateConfig

/// One `email_configs` entry: NotifyRender's message (headers, multipart/alternative with the
/// text and HTML parts) submitted to `smarthost`; STARTTLS unless `require_tls: false`,
/// implicit TLS on port 465, `AUTH` when `auth_username` is set and the server offers it.
/// `to` may hold several comma-separated addresses. Connection, TLS and 4xx failures are
/// retried; 5xx replies, bad addresses and templates that fail are not.
public struct EmailIntegration: ClassifyingIntegration {
    /// `email`.
    public let kind = "email"
    /// The entry's position among the receiver's email entries.
    public let index: Int
    /// The entry (globals filled in).
    public let config: EmailConfig
    private let templates: TemplateSet
    private let externalURL: String
    private let client: MailClient
    private let hostname: String

    /// `send_resolved`.
    public var sendResolved: Bool { config.sendResolved }

    /// Creates the integration.
    /// - Parameters:
    ///   - config: The `email_configs` entry, globals filled in (`smarthost`, `from`, …).
    ///   - index: Its position among the receiver's email entries.
    ///   - templates: The notification templates.
    ///   - externalURL: Alertmanager's external URL.
    ///   - client: The SMTP client.
    public init(config: EmailConfig, index: Int, templates: TemplateSet, externalURL: String, client: MailClient = MailClient()) {
        self.config = config
        self.index = index
        self.templates = templates
        self.externalURL = externalURL
        self.client = client
        hostname = Self.localHostname()
    }

    /// The machine's name for `Message-Id` (`os.Hostname`): `gethostname`, no DNS lookup.
    static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// The rendering settings of the entry. TollgateConfig writes the default `To` and `From`
    /// headers as `{{ .To }}` / `{{ .From }}`, meaning "the `to` / `from` field"; they are left
    /// to NotifyRender, which fills them from those fields as Alertmanager does.
    var messageConfig: EmailMessageConfig {
        var headers = config.headers
        if headers["To"] == "{{ .To }}" { headers["To"] = nil }
        if headers["From"] == "{{ .From }}" { headers["From"] = nil }
        var message = EmailMessageConfig(to: config.to, from: config.from, headers: headers)
        message.html = config.html
        message.text = config.text
        return message
    }

    /// Renders the message and submits it once.
    public func attempt(_ context: Notify.NotificationContext, alerts: [NotifierAlert]) async -> Result<Void, SendFailure> {
        let group = RenderedGroup(context, alerts: alerts, externalURL: externalURL)
        let from: String, to: String
        do {
            from = try templates.expand(text: config.from, data: group.data)
            to = try templates.expand(text: config.to, data: group.data)
        } catch {
            return .failure(SendFailure("failed to template 'from' or 'to': \(error)", retry: false))
        }
        guard let senders = MailAddress.list(from), senders.count == 1 else {
            return .failure(SendFailure("must be exactly one from address, got \(from.debugDescription)", retry: false))
        }
        guard let recipients = MailAddress.list(to) else {
            return .failure(SendFailure("parsing to addresses: invalid address list \(to.debugDescription)", retry: false))
        }
        let mime: String
        do {
            let message = try EmailMessage(config: messageConfig, data: group.data, templates: templates)
            mime = message.mime(
                boundary: Self.randomHex(bytes: 30), date: EmailMessage.rfc1123Z(nanoseconds: group.now),
                messageID: "<\(group.now).\(UInt64.random(in: 0...UInt64.max))@\(hostname)>")
        } catch {
            return .failure(SendFailure("executing email template: \(error)", retry: false))
        }
        let request: MailClient.Request
        do {
            request = try mailRequest(from: senders[0], to: recipients, message: Array(mime.utf8))
        } catch {
            return .failure(error)
        }
        do {
            try await client.send(request)
            return .success(())
        } catch {
            return .failure(SendFailure(error.message, retry: error.isRetryable))
        }
    }

    /// The SMTP submission for the entry's server, TLS and credentials.
    func mailRequest(from: String, to: [String], message: [UInt8]) throws(SendFailure) -> MailClient.Request {
        guard let (host, port) = Self.split(config.smarthost) else {
            throw SendFailure("invalid address: smarthost \(config.smarthost.debugDescription)", retry: false)
        }
        var request = MailClient.Request(host: host, port: port, from: from, recipients: to, message: message)
        request.hello = config.hello.isEmpty ? "localhost" : config.hello
        request.security = port == 465 ? .implicitTLS : (config.requireTLS ?? true) ? .startTLS : .none
        request.tls = config.tlsConfig?.options ?? HTTPClient.TLSOptions()
        if !config.authUsername.isEmpty {
            do {
                let password = try config.authPassword?.read() ?? ""
                let secret = try config.authSecret?.read() ?? ""
                if !password.isEmpty {
                    request.auth = .init(username: config.authUsername, password: password, identity: config.authIdentity, mechanisms: ["PLAIN", "LOGIN"])
                } else if !secret.isEmpty {
                    request.auth = .init(username: config.authUsername, password: secret, mechanisms: ["CRAM-MD5"])
                }
            } catch {
                throw SendFailure("\(error)", retry: false)
            }
        }
        return request
    }

    /// `host:port` (or `[v6]:port`) split into the host without brackets and the port.
    static func split(_ smarthost: String) -> (String, Int)? {
        guard let colon = smarthost.lastIndex(of: ":"), let port = Int(smarthost[smarthost.index(after: colon)...]) else { return nil }
        var host = smarthost[..<colon]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return host.isEmpty ? nil : (String(host), port)
    }

    /// `count` random bytes as lowercase hex (Go's multipart boundary is 30 bytes).
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }
}
