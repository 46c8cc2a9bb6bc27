// Tollgate — CurlHTTP: the scheme and authority of a URL.

/// The parts of an `http(s)://host:port/…` URL the client needs to connect
/// somewhere other than the named host (TLS `server_name`).
struct URLParts: Equatable {
    var scheme: String
    /// The host as written, brackets kept for IPv6 (`[::1]`).
    var host: String
    var port: Int
    /// `host:port` as written in the URL (the port only when present).
    var authority: String
    /// Everything after the authority: path, query, fragment.
    var rest: String

    init?(_ url: String) {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        scheme = url[..<schemeEnd.lowerBound].lowercased()
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
        var hostPort = afterScheme[..<authorityEnd]
        if let at = hostPort.lastIndex(of: "@") { hostPort = hostPort[hostPort.index(after: at)...] }
        authority = String(hostPort)
        rest = String(afterScheme[authorityEnd...])
        let defaultPort = scheme == "https" ? 443 : 80
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return nil }
            host = String(hostPort[...close])
            let tail = hostPort[hostPort.index(after: close)...]
            port = tail.hasPrefix(":") ? Int(tail.dropFirst()) ?? defaultPort : defaultPort
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let number = Int(hostPort[hostPort.index(after: colon)...]) else { return nil }
            port = number
        } else {
            host = String(hostPort)
            port = defaultPort
        }
        guard !host.isEmpty else { return nil }
    }

    /// The same URL addressed to `name` on the same port.
    func replacingHost(with name: String) -> String {
        "\(scheme)://\(name):\(port)\(rest)"
    }
}

extension HTTPClient {
    /// A URL with the password of its user information replaced by `<secret>`, for logs,
    /// errors, metric labels and shown configurations (`http://writer:<secret>@host/…`).
    public static func hidingPassword(_ url: String) -> String {
        guard let scheme = url.firstRange(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let userInfo = url[scheme.upperBound..<at]
        guard !userInfo.contains("/"), let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "<secret>" + String(url[at...])
    }
}
