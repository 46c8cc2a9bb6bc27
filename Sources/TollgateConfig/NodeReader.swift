// Tollgate — TollgateConfig: typed reads from YAML nodes, with positions.

import Model
import Yams

/// Reads typed values from YAML nodes and turns mismatches into ``ConfigError``s
/// that carry the file, line and field.
///
/// A reader goes on past a problem where the rest of the file still means something:
/// ``attempt(_:)`` records the error of one field or one entry, and ``finish()`` throws
/// them all at the end, so one run names every problem.
struct NodeReader {
    /// The file being read.
    let file: String
    /// Problems recorded so far, shared by the copies of this reader.
    private let problems = ProblemLog()

    /// Creates a reader of `file`.
    init(file: String) { self.file = file }

    /// The problems met while reading, in file order.
    final class ProblemLog {
        var errors: [ConfigError] = []
    }

    /// Runs `read`; its error is recorded and nil returned, so reading goes on.
    @discardableResult
    func attempt<Value>(_ read: () throws(ConfigError) -> Value) -> Value? {
        do {
            return try read()
        } catch {
            problems.errors.append(contentsOf: error.all)
            return nil
        }
    }

    /// Records an error met outside ``attempt(_:)``.
    func record(_ error: ConfigError) { problems.errors.append(contentsOf: error.all) }

    /// Whether a problem has been recorded.
    var hasProblems: Bool { !problems.errors.isEmpty }

    /// How many problems have been recorded: a reader compares it before and after the
    /// fields of an entry, so that it checks the entry as a whole only when each field read.
    var problemCount: Int { problems.errors.count }

    /// Throws every recorded problem as one ``ConfigError`` (the rest under `more`).
    func finish() throws(ConfigError) {
        if let error = ConfigError(collecting: problems.errors) { throw error }
    }

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

extension NodeReader {
    func bool(_ node: Node, field: String) throws(ConfigError) -> Bool {
        switch try string(node, field: field) {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        case let text: throw error(node, field: field, "invalid boolean \"\(text)\"; expected true or false")
        }
    }

    /// A non-negative integer (Prometheus's `uint` fields).
    func count(_ node: Node, field: String) throws(ConfigError) -> Int {
        let text = try string(node, field: field)
        guard let value = Int(text), value >= 0 else { throw error(node, field: field, "invalid number \"\(text)\"; expected a whole number ≥ 0") }
        return value
    }

    func byteSize(_ node: Node, field: String) throws(ConfigError) -> Int64 {
        let text = try string(node, field: field)
        guard let size = ByteSize(parsing: text) else { throw error(node, field: field, "invalid size \"\(text)\"; expected e.g. 10MB") }
        return size.bytes
    }

    /// A sequence of strings; an empty value (`field:`) is an empty list.
    func strings(_ node: Node, field: String) throws(ConfigError) -> [String] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" { return [] }
        guard case .sequence(let sequence) = node else { throw error(node, field: field, "expected a list") }
        var values: [String] = []
        for (index, item) in sequence.enumerated() { values.append(try string(item, field: "\(field)[\(index)]")) }
        return values
    }

    /// The items of a sequence; an empty value is an empty list.
    func sequence(_ node: Node, field: String) throws(ConfigError) -> [Node] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" { return [] }
        guard case .sequence(let sequence) = node else { throw error(node, field: field, "expected a list") }
        return Array(sequence)
    }

    /// A mapping of strings to strings (labels).
    func stringMap(_ node: Node, field: String) throws(ConfigError) -> [String: String] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [:] }
        var map: [String: String] = [:]
        for (key, value) in try mapping(node, field: field) { map[key.name] = try string(value, field: "\(field).\(key.name)") }
        return map
    }

    /// A path as written, resolved against the directory of the configuration file.
    func path(_ node: Node, field: String) throws(ConfigError) -> String {
        resolve(try string(node, field: field))
    }

    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}

extension NodeReader {
    /// Reads each entry of a mapping with `read`, which gets the key, the value and the
    /// entry's dotted field path; an entry `read` does not take (returns false) is an
    /// unknown field.
    ///
    /// A problem in one entry is recorded and the next entry is read.
    func fields(_ node: Node, field: String, _ read: (Key, Node, String) throws(ConfigError) -> Bool) throws(ConfigError) {
        for (key, value) in try mapping(node, field: field) {
            let path = "\(field).\(key.name)"
            attempt { () throws(ConfigError) in
                guard try read(key, value, path) else { throw error(key.node, field: path, "unknown field") }
            }
        }
    }
}

extension NodeReader {
    /// Reads a value written inline under `key` or kept in the file named under `fileKey`
    /// of the mapping `node` (`password` or `password_file`); the file is not read here.
    ///
    /// An empty value counts as not given, as in Prometheus. Callers take both keys as
    /// known fields when they read the mapping's other entries.
    /// - Parameters:
    ///   - key: the inline field.
    ///   - fileKey: the file field; its path is resolved against the configuration's folder.
    ///   - node: the mapping holding both.
    ///   - field: the mapping's dotted path.
    ///   - owner: the section Prometheus names in its error (`basic_auth`), if any.
    ///   - joinedBy: the word between the two names in the error: `&`, or `and` for `tls_config`'s fields.
    /// - Returns: the secret, or nil when neither field is given.
    /// - Throws: ``ConfigError`` when both are given (`at most one of basic_auth password &
    ///   password_file must be configured`), or when either is not a string.
    func secret(
        _ key: String, fileKey: String, in node: Node, field: String, owner: String? = nil, joinedBy: String = "&"
    ) throws(ConfigError) -> Secret? {
        var inline: String?
        var file: String?
        for (name, value) in try mapping(node, field: field) {
            if name.name == key {
                inline = try string(value, field: "\(field).\(key)")
            } else if name.name == fileKey {
                let path = try string(value, field: "\(field).\(fileKey)")
                file = path.isEmpty ? "" : resolve(path)
            }
        }
        switch (inline ?? "", file ?? "") {
        case ("", ""): return nil
        case (let text, ""): return .inline(text)
        case ("", let path): return .file(path)
        default:
            let names = [owner, "\(key) \(joinedBy) \(fileKey)"].compactMap { $0 }.joined(separator: " ")
            throw error(node, field: field, "at most one of \(names) must be configured")
        }
    }
}
