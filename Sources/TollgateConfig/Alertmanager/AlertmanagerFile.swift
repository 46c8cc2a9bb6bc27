// Tollgate — TollgateConfig: alertmanager.yml, read and checked as Alertmanager's `config.Load`.

import Foundation
import Yams

/// An `alertmanager.yml` file: globals, templates, the routing tree, receivers, inhibit
/// rules and time intervals, read strictly (unknown fields are errors) and checked as
/// Alertmanager checks it when it loads the file.
///
/// Every problem of the file is reported in one pass: the error names the file, line and
/// field of the first, with the others under ``ConfigError/more``; the messages are
/// Alertmanager's where it has one (`undefined receiver "x" used in route`).
///
/// Receivers come with Alertmanager's defaults and the globals filled in (an email
/// integration without `smarthost` takes `smtp_smarthost`, a Slack one without `api_url`
/// takes `slack_api_url`, every integration without `http_config` the global one).
///
/// ```swift
/// let file = try AlertmanagerFile.load(path: "alertmanager.yml")
/// file.route.receiver            // the root's receiver
/// file.receivers.map(\.name)
/// ```
public struct AlertmanagerFile: Sendable {
    /// The file read.
    public var source: String
    /// The configuration's text as written (`/api/v2/status` shows it as `config.original`).
    public var original = ""
    /// `global`, with its defaults.
    public var global = AlertmanagerGlobal()
    /// `templates`: the globs as written, resolved against the file's folder.
    public var templates: [String] = []
    /// `route`: the root of the routing tree.
    public var route: RouteConfig
    /// `receivers`, with the globals filled in.
    public var receivers: [ReceiverConfig] = []
    /// `inhibit_rules`.
    public var inhibitRules: [InhibitRuleConfig] = []
    /// `time_intervals`.
    public var timeIntervals: [TimeIntervalConfig] = []
    /// `mute_time_intervals` (the older name of `time_intervals`).
    public var muteTimeIntervals: [TimeIntervalConfig] = []

    /// Reads and checks the file at `path`.
    /// - Throws: ``ConfigError`` naming every problem (an unreadable file is one).
    public static func load(path: String) throws(ConfigError) -> AlertmanagerFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "open \(path): no such file or directory")
        }
        return try AlertmanagerFile(yaml: text, file: path)
    }

    /// Parses and checks a file's text.
    /// - Parameters:
    ///   - yaml: the contents.
    ///   - file: the path, for messages and to resolve relative paths.
    /// - Throws: ``ConfigError`` naming every problem.
    public init(yaml: String, file: String) throws(ConfigError) {
        let reader = NodeReader(file: file)
        guard let root = try TollgateConfig.compose(yaml, file: file) else {
            throw ConfigError(file: file, line: nil, field: nil, message: "no route provided in config")
        }
        self.init(top: try reader.mapping(root, field: nil), reader: reader, original: yaml)
        try reader.finish()
    }

    /// Reads the keys of an alertmanager.yml from a mapping already parsed (the file's top
    /// level, or tollgate.yml's inline `alertmanager:` section); problems go to `reader`.
    init(top: [(NodeReader.Key, Node)], reader: NodeReader, original: String) {
        source = reader.file
        self.original = original
        route = RouteConfig(receiver: nil)
        if let (_, value) = top.first(where: { $0.0.name == "global" }) {
            global = reader.attempt { () throws(ConfigError) in try AlertmanagerGlobal(value, reader: reader) } ?? AlertmanagerGlobal()
        }
        var routeNode: Node?
        var unsupported: [(String, Node)] = []
        for (key, value) in top {
            reader.attempt { () throws(ConfigError) in
                switch key.name {
                case "global": break
                case "templates": templates = try reader.strings(value, field: key.name).map(reader.resolve)
                case "route":
                    routeNode = value
                    route = try RouteConfig(value, reader: reader, field: "route")
                case "receivers":
                    receivers = ReceiverConfig.each(value, reader: reader, field: key.name) { (item, path) throws(ConfigError) in
                        try ReceiverConfig(item, reader: reader, field: path, unsupported: &unsupported)
                    }
                case "inhibit_rules":
                    inhibitRules = ReceiverConfig.each(value, reader: reader, field: key.name) { (item, path) throws(ConfigError) in
                        try InhibitRuleConfig(item, reader: reader, field: path)
                    }
                case "time_intervals":
                    timeIntervals = ReceiverConfig.each(value, reader: reader, field: key.name) { (item, path) throws(ConfigError) in
                        try TimeIntervalConfig(item, reader: reader, field: path, missingName: "missing name in time interval")
                    }
                case "mute_time_intervals":
                    muteTimeIntervals = ReceiverConfig.each(value, reader: reader, field: key.name) { (item, path) throws(ConfigError) in
                        try TimeIntervalConfig(item, reader: reader, field: path, missingName: "missing name in mute time interval")
                    }
                default: throw reader.error(key.node, field: key.name, "unknown field")
                }
            }
        }
        if let first = unsupported.first {
            reader.record(
                reader.error(
                    first.1, field: "receivers",
                    "receiver kinds not supported by this version of Tollgate yet: " + unsupported.map(\.0).joined(separator: ", ")))
        }
        fillGlobals(reader: reader)
        check(routeNode: routeNode, reader: reader)
    }
}
