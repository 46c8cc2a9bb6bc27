// Tollgate — TollgateConfig: typed reads from YAML nodes, with positions.

import Yams

/// Reads typed values from YAML nodes and turns mismatches into ``ConfigError``s
/// that carry the file, line and field.
struct NodeReader {
    /// The file being read.
    let file: String

    /// A mapping key with the node it came from.
    struct Key {
        var name: String
        var node: Node
    }

    func error(_ node: Node, field: String?, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line, field: field, message: message)
    }

    /// The entries of a mapping, in file order.
    func mapping(_ node: Node, field: String?) throws(ConfigError) -> [(Key, Node)] {
        guard case .mapping(let mapping) = node else { throw error(node, field: field, "expected a mapping") }
        var entries: [(Key, Node)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw error(key, field: field, "expected a string key") }
            entries.append((Key(name: name, node: key), value))
        }
        return entries
    }

    func string(_ node: Node, field: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error(node, field: field, "expected a string") }
        return scalar.string
    }

    func duration(_ node: Node, field: String) throws(ConfigError) -> PromDuration {
        let text = try string(node, field: field)
        guard let duration = PromDuration(parsing: text) else {
            throw error(node, field: field, "invalid duration \"\(text)\"; expected e.g. 15s, 1m, 1h30m")
        }
        return duration
    }
}
