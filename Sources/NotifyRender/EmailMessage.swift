// Tollgate — NotifyRender: the email receiver's message (`notify/email`): headers, then a
// multipart/alternative body with quoted-printable text and HTML parts.

public import GoTemplate

/// An `email_configs` entry's rendering settings; strings are templates, defaults Alertmanager's.
public struct EmailMessageConfig: Sendable, Equatable {
    /// `to`: the recipients (the `To` header's default).
    public var to: String
    /// `from`: the sender (the `From` header's default).
    public var from: String
    /// `headers`, by name as configured (Alertmanager title-cases names); `Subject`, `To` and
    /// `From` are added when missing.
    public var headers: [String: String]
    /// `html`; empty for no HTML part.
    public var html = #"{{ template "email.default.html" . }}"#
    /// `text`; empty (the default) for no text part.
    public var text = ""

    /// Alertmanager's default subject.
    public static let defaultSubject = #"{{ template "email.default.subject" . }}"#

    /// Creates settings with Alertmanager's defaults.
    /// - Parameters:
    ///   - to: The recipients (template).
    ///   - from: The sender (template).
    ///   - headers: Extra or replacement headers (templates).
    public init(to: String, from: String, headers: [String: String] = [:]) {
        self.to = to
        self.from = from
        self.headers = headers
    }

    /// The headers as Alertmanager sends them: configured ones plus the default `Subject`, `To`, `From`.
    public var effectiveHeaders: [String: String] {
        var all: [String: String] = [:]
        for (name, value) in headers { all[AlertmanagerFunctions.goTitle(name)] = value }
        if all["Subject"] == nil { all["Subject"] = Self.defaultSubject }
        if all["To"] == nil { all["To"] = to }
        if all["From"] == nil { all["From"] = from }
        return all
    }
}

/// A rendered email: headers and the text and HTML bodies, before MIME encoding.
public struct EmailMessage: Sendable, Equatable {
    /// The rendered headers, sorted by name (Alertmanager writes them in map order).
    public var headers: [(name: String, value: String)]
    /// The text part, if configured.
    public var text: String?
    /// The HTML part, if configured.
    public var html: String?

    public static func == (a: EmailMessage, b: EmailMessage) -> Bool {
        a.headers.elementsEqual(b.headers) { $0 == $1 } && a.text == b.text && a.html == b.html
    }

    /// Renders the message's parts.
    /// - Parameters:
    ///   - config: The receiver's settings.
    ///   - data: The notification data.
    ///   - templates: The template set.
    /// - Throws: ``TemplateError`` when a template fails.
    public init(config: EmailMessageConfig, data: NotificationData, templates: TemplateSet) throws(TemplateError) {
        var headers: [(name: String, value: String)] = []
        for (name, value) in config.effectiveHeaders.sorted(by: { $0.key < $1.key }) {
            headers.append((name, try templates.expand(text: value, data: data)))
        }
        self.headers = headers
        text = config.text.isEmpty ? nil : try templates.expand(text: config.text, data: data)
        html = config.html.isEmpty ? nil : try templates.expandHTML(text: config.html, data: data)
    }

    /// The header `name`'s rendered value.
    public func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// The message as Alertmanager writes it to SMTP `DATA`.
    /// - Parameters:
    ///   - boundary: The multipart boundary (Go's writer draws 60 random hex digits).
    ///   - date: The `Date` header (RFC 1123 with numeric zone), e.g. from ``rfc1123Z(nanoseconds:)``.
    ///   - messageID: The `Message-Id` header, `<unixnano.random@hostname>`, unless configured.
    /// - Returns: The message with CRLF line ends.
    public func mime(boundary: String, date: String, messageID: String) -> String {
        var out = ""
        for (name, value) in headers { out += "\(name): \(MIMEEncoding.qEncodeHeader(value))\r\n" }
        if header("Message-Id") == nil { out += "Message-Id: \(messageID)\r\n" }
        out += "Date: \(date)\r\n"
        out += "Content-Type: multipart/alternative;  boundary=\(boundary)\r\n"
        out += "MIME-Version: 1.0\r\n\r\n"
        var parts: [(type: String, body: String)] = []
        if let text { parts.append(("text/plain; charset=UTF-8", text)) }
        if let html { parts.append(("text/html; charset=UTF-8", html)) }
        for (i, part) in parts.enumerated() {
            out += (i == 0 ? "" : "\r\n") + "--\(boundary)\r\n"
            out += "Content-Transfer-Encoding: quoted-printable\r\nContent-Type: \(part.type)\r\n\r\n"
            out += MIMEEncoding.quotedPrintable(part.body)
        }
        out += (parts.isEmpty ? "--" : "\r\n--") + "\(boundary)--\r\n"
        return out
    }

    /// Go's `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`.
    /// - Parameter nanoseconds: The time, nanoseconds since the epoch.
    public static func rfc1123Z(nanoseconds: Int64) -> String {
        GoTime.format(nanoseconds: nanoseconds, layout: "Mon, 02 Jan 2006 15:04:05 -0700")
    }
}
