// Tollgate — parsing --web.listen-address.

/// A `HOST:PORT` listen address, as Prometheus's `--web.listen-address` takes it.
///
/// `127.0.0.1:9090`, `[::1]:9090`, `localhost:9090`; `:9090` means every interface.
struct ListenAddress: Equatable, CustomStringConvertible {
    var host: String
    var port: Int

    /// Parses `HOST:PORT`.
    /// - Throws: ``ListenAddress/ParseError`` naming what is wrong.
    init(parsing text: String) throws(ParseError) {
        guard let colon = text.lastIndex(of: ":") else { throw ParseError("missing port in \"\(text)\"; expected HOST:PORT") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ParseError("invalid port \"\(portText)\" in \"\(text)\"; expected 0-65535")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        self.host = host
        self.port = port
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Where a client on this machine reaches the server on `port` (the port bound): a
    /// wildcard host becomes loopback.
    func local(port: Int) -> String {
        var local = self
        local.port = port
        if host == "0.0.0.0" { local.host = "127.0.0.1" }
        if host == "::" { local.host = "::1" }
        return local.description
    }

    /// Why a listen address did not parse.
    struct ParseError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
