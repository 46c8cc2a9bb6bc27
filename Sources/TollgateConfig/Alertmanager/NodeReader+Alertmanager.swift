// Tollgate — TollgateConfig: typed reads alertmanager.yml needs (matchers, URLs, http_config).

import Model
import Yams

extension NodeReader {
    /// A `matchers` list: each entry one or more matchers in Alertmanager's syntax.
    func matcherList(_ node: Node, field: String) throws(ConfigError) -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        for (index, item) in try sequence(node, field: field).enumerated() {
            let text = try string(item, field: "\(field)[\(index)]")
            do {
                matchers += try AlertmanagerMatchers.parse(text)
            } catch {
                throw self.error(item, field: "\(field)[\(index)]", error.description)
            }
        }
        return matchers
    }

    /// A legacy `match` map (equality) or `match_re` map (regex, compiled as `^(?:re)$` and
    /// kept in that form, as Alertmanager hands it to its matchers).
    func legacyMatchers(_ node: Node, field: String, regex: Bool) throws(ConfigError) -> [LabelMatcher] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [] }
        var matchers: [LabelMatcher] = []
        for (key, value) in try mapping(node, field: field) {
            let path = "\(field).\(key.name)"
            guard SeriesText.isLegacyLabelName(key.name) else { throw error(key.node, field: path, "invalid label name \"\(key.name)\"") }
            let text = try string(value, field: path)
            do {
                if regex {
                    _ = try AnchoredRegex("^(?:" + text + ")$")
                    matchers.append(try LabelMatcher(.regex, key.name, "^(?:" + text + ")$"))
                } else {
                    matchers.append(try LabelMatcher(.equal, key.name, text))
                }
            } catch {
                throw self.error(value, field: path, "\(error)")
            }
        }
        return matchers
    }

    /// An http(s) URL, checked as Alertmanager's `parseURL` checks it.
    func url(_ node: Node, field: String) throws(ConfigError) -> String {
        let text = try string(node, field: field)
        if let problem = Self.urlProblem(text) { throw error(node, field: field, problem) }
        return text
    }

    /// Why `text` is not an http(s) URL with a host, in Alertmanager's words; nil when it is one.
    static func urlProblem(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return "unsupported scheme \"\" for URL" }
        let scheme = String(text[..<colon]).lowercased()
        guard scheme == "http" || scheme == "https" else { return "unsupported scheme \"\(scheme)\" for URL" }
        let rest = text[text.index(after: colon)...]
        guard rest.hasPrefix("//") else { return "missing host for URL" }
        let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        return host.isEmpty ? "missing host for URL" : nil
    }

    /// A nested `http_config` mapping.
    func httpClientConfig(_ node: Node, field: String) throws(ConfigError) -> HTTPClientConfig {
        var http = HTTPClientConfig()
        try fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            try http.read(key, value, reader: self, field: path)
        }
        try http.complete(node, reader: self, field: field)
        return http
    }

    /// A `host:port` address (`smtp_smarthost`); empty is allowed (not set).
    func hostPort(_ node: Node, field: String) throws(ConfigError) -> String {
        let text = try string(node, field: field)
        guard !text.isEmpty else { return "" }
        guard let colon = text.lastIndex(of: ":") else { throw error(node, field: field, "address \(text): missing port in address") }
        if text[text.index(after: colon)...].isEmpty { throw error(node, field: field, "address \"\(text)\": port cannot be empty") }
        return text
    }
}
