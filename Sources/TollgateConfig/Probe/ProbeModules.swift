// Tollgate — TollgateConfig: the probe modules, from blackbox.yml or tollgate.yml.

import Yams

/// Probe modules by name: blackbox_exporter's `blackbox.yml` (`modules:`), given with
/// `serve --probe.config`, or the same mapping under `probe_modules:` in tollgate.yml.
public struct ProbeModules: CheckedFile, Equatable {
    /// The modules by name.
    public var modules: [String: ProbeModule] = [:]
    /// The file read (empty for modules of tollgate.yml).
    public var source = ""

    /// No modules.
    public init() {}

    public init(emptyAt path: String) { source = path }

    public static func read(yaml: String, path: String) -> (ProbeModules, [ConfigError]) {
        var file = ProbeModules(emptyAt: path)
        let problems = problems(reading: yaml, path: path) { (root, reader) throws(ConfigError) in
            for (key, value) in try reader.mapping(root, field: nil) {
                reader.attempt { () throws(ConfigError) in
                    guard key.name == "modules" else { throw reader.error(key.node, field: key.name, "unknown field") }
                    file.modules = try Self.modules(value, reader: reader, field: "modules")
                }
            }
        }
        return (file, problems)
    }

    /// A mapping of module names to modules, each read with its own problems recorded.
    static func modules(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> [String: ProbeModule] {
        var modules: [String: ProbeModule] = [:]
        for (name, value) in try reader.mapping(node, field: field) {
            if let module = reader.attempt({ () throws(ConfigError) in try ProbeModule(value, reader: reader, field: "\(field).\(name.name)") }) {
                modules[name.name] = module
            }
        }
        return modules
    }
}
