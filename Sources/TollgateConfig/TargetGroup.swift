// Tollgate — TollgateConfig: target groups from static_configs and file_sd files.

public import Model
import Yams

/// A set of targets sharing labels: one `static_configs` entry or one group of a
/// file_sd file.
public struct TargetGroup: Sendable, Equatable {
    /// `host:port` addresses.
    public var targets: [String]
    /// Labels every target of the group gets.
    public var labels: [String: String]
    /// Where the group came from (`0`, `file.json:1`), as Prometheus names sources.
    public var source: String

    /// Creates a group.
    public init(targets: [String], labels: [String: String] = [:], source: String) {
        self.targets = targets
        self.labels = labels
        self.source = source
    }

    /// Reads the groups of a file_sd file: a JSON or YAML list of
    /// `{targets: [...], labels: {...}}` (JSON is YAML, so one reader does both).
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the path, for sources and error messages.
    /// - Throws: ``ConfigError`` naming the line and field.
    public static func fileSD(_ text: String, file: String) throws(ConfigError) -> [TargetGroup] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(file: file, line: nil, field: nil, message: "invalid YAML or JSON: \(error)")
        }
        guard let root else { return [] }
        let reader = NodeReader(file: file)
        var groups: [TargetGroup] = []
        for (index, node) in try reader.sequence(root, field: "").enumerated() {
            if let group = reader.attempt({ () throws(ConfigError) in
                try TargetGroup(node, reader: reader, field: "[\(index)]", source: "\(file):\(index)", fileSD: true)
            }) {
                groups.append(group)
            }
        }
        try reader.finish()
        return groups
    }

    init(_ node: Node, reader: NodeReader, field: String, source: String, fileSD: Bool = false) throws(ConfigError) {
        targets = []
        labels = [:]
        self.source = source
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "targets": targets = try reader.strings(value, field: path)
            case "labels": labels = try reader.stringMap(value, field: path)
            default: return false
            }
            return true
        }
        // Addresses are checked after relabeling (the blackbox pattern lists URLs here).
        for (index, target) in targets.enumerated() where target.isEmpty {
            throw reader.error(node, field: "\(field).targets[\(index)]", "empty target address")
        }
    }
}

/// One `file_sd_configs` entry: files (globs in the last path element) read for target groups.
public struct FileSDConfig: Sendable, Equatable {
    /// Paths or patterns such as `targets/*.json`, resolved against the config file's folder.
    public var files: [String]
    /// How often to re-read the files even without a change seen (`5m`).
    public var refreshInterval = PromDuration(milliseconds: 300_000)

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        files = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "files": files = try reader.strings(value, field: path).map(reader.resolve)
            case "refresh_interval": refreshInterval = try reader.duration(value, field: path)
            default: return false
            }
            return true
        }
        for pattern in files {
            let name = pattern.split(separator: "/").last.map(String.init) ?? pattern
            guard name.hasSuffix(".json") || name.hasSuffix(".yml") || name.hasSuffix(".yaml") else {
                throw reader.error(node, field: "\(field).files", "path \"\(pattern)\" must end in .json, .yml or .yaml")
            }
        }
    }
}

extension NodeReader {
    /// A `static_configs` list: one target group per entry, named by its index.
    func staticConfigs(_ node: Node, field: String) throws(ConfigError) -> [TargetGroup] {
        var groups: [TargetGroup] = []
        for (index, item) in try sequence(node, field: field).enumerated() {
            groups.append(try TargetGroup(item, reader: self, field: "\(field)[\(index)]", source: "\(index)"))
        }
        return groups
    }

    /// A `file_sd_configs` list.
    func fileSDConfigs(_ node: Node, field: String) throws(ConfigError) -> [FileSDConfig] {
        var configs: [FileSDConfig] = []
        for (index, item) in try sequence(node, field: field).enumerated() {
            configs.append(try FileSDConfig(item, reader: self, field: "\(field)[\(index)]"))
        }
        return configs
    }
}
