// Tollgate — Probe: the parts of a probe's `target` parameter.

/// A target split as blackbox_exporter reads it: a URL for the `http` prober (`http://`
/// added when no scheme is given), `host:port` for the `tcp` prober.
struct ProbeTarget: Sendable, Equatable {
    /// `http` or `https` (empty for a TCP target).
    var scheme = ""
    /// The host name or address, IPv6 without brackets.
    var host: String
    /// The port, given or the scheme's default.
    var port: Int
    /// `host:port` as written (the `Host` header of an HTTP probe).
    var authority = ""
    /// Path, query and fragment, from the first `/` (or `?`).
    var rest = ""

    /// Why a target could not be read.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// An HTTP target: `https://example.org/health`, or `example.org:8080` for `http://…`.
    static func url(_ target: String) -> Result<ProbeTarget, Failure> {
        let text = target.contains("://") ? target : "http://" + target
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            return .failure(Failure(description: "could not parse target URL \(target)"))
        }
        let scheme = text[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(Failure(description: "unsupported scheme \"\(scheme)\" in target \(target)"))
        }
        let afterScheme = text[text.index(colon, offsetBy: 3)...]
        let end = afterScheme.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? afterScheme.endIndex
        var authority = afterScheme[..<end]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard case .success(let (host, port)) = split(authority, defaultPort: scheme == "https" ? 443 : 80), !host.isEmpty else {
            return .failure(Failure(description: "could not parse target URL \(target)"))
        }
        return .success(ProbeTarget(scheme: scheme, host: host, port: port, authority: String(authority), rest: String(afterScheme[end...])))
    }

    /// A TCP target: `host:port` or `[v6]:port`, as Go's `net.SplitHostPort`.
    static func hostPort(_ target: String) -> Result<ProbeTarget, Failure> {
        switch split(Substring(target), defaultPort: nil) {
        case .success(let (host, port)): .success(ProbeTarget(host: host, port: port, authority: target))
        case .failure(let failure): .failure(failure)
        }
    }

    private static func split(_ authority: Substring, defaultPort: Int?) -> Result<(String, Int), Failure> {
        var host = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(Failure(description: "missing ']' in address \(authority)")) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
                return .failure(Failure(description: "unexpected text after ']' in address \(authority)"))
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard authority.firstIndex(of: ":") == colon else { return .failure(Failure(description: "too many colons in address \(authority)")) }
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        if let portText {
            guard let port = Int(portText), (0...65535).contains(port) else {
                return .failure(Failure(description: "invalid port \"\(portText)\" in address \(authority)"))
            }
            return .success((String(host), port))
        }
        guard let defaultPort else { return .failure(Failure(description: "missing port in address \(authority)")) }
        return .success((String(host), defaultPort))
    }

    /// The host as it goes in a URL: IPv6 addresses in brackets.
    static func bracketed(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
