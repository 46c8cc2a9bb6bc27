// Tollgate — TollgateConfig: tollgate.yml's `alertmanager:` section (the built-in notifier).

import Yams

/// The built-in notifier's configuration: tollgate.yml's `alertmanager:` section, either
/// `config_file: alertmanager.yml` or the same keys as alertmanager.yml written inline, or
/// the file `serve --alertmanager.config` names.
///
/// prometheus.yml's `alerting:` section keeps its meaning (external Alertmanagers); this
/// section is Tollgate's own.
public struct NotifierSettings: Sendable, Equatable {
    /// The alertmanager.yml read and checked.
    public var file: AlertmanagerFile

    /// Wraps a file already read.
    public init(file: AlertmanagerFile) { self.file = file }

    /// Two settings are equal when they come from the same place with the same text.
    public static func == (a: NotifierSettings, b: NotifierSettings) -> Bool {
        a.file.source == b.file.source && a.file.original == b.file.original
    }

    /// Reads the section: `config_file` alone names a file (relative to tollgate.yml's
    /// folder); any other keys are alertmanager.yml's, inline.
    init(_ node: Node, reader: NodeReader) throws(ConfigError) {
        let top = try reader.mapping(node, field: "alertmanager")
        if let (key, value) = top.first(where: { $0.0.name == "config_file" }) {
            guard top.count == 1 else {
                throw reader.error(key.node, field: "alertmanager.config_file", "config_file cannot be combined with inline alertmanager.yml keys")
            }
            file = try AlertmanagerFile.load(path: reader.resolve(try reader.string(value, field: "alertmanager.config_file")))
            return
        }
        let text = (try? Yams.serialize(node: node)) ?? ""
        file = AlertmanagerFile(top: top, reader: reader, original: text)
    }
}
