// Tollgate — TollgateConfig: the `storage` section.

public import Model
import Yams

/// prometheus.yml's `storage` section.
public struct StorageConfig: Sendable, Equatable {
    /// `tsdb.out_of_order_time_window`: how far behind a series' newest sample a sample
    /// may still be stored (0: out-of-order samples are refused).
    public var outOfOrderTimeWindow = PromDuration(milliseconds: 0)
    /// `exemplars.max_exemplars`: exemplars kept (Tollgate keeps none yet; a value above 0
    /// is a warning).
    public var maxExemplars = 100_000

    /// The defaults.
    public init() {}

    init(_ node: Node, reader: NodeReader, warnings: inout [ConfigError]) throws(ConfigError) {
        var exemplarsGiven: Node?
        try reader.fields(node, field: "storage") { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "tsdb":
                try reader.fields(value, field: path) { (key, value, path) throws(ConfigError) -> Bool in
                    guard key.name == "out_of_order_time_window" else { return false }
                    outOfOrderTimeWindow = try reader.duration(value, field: path)
                    return true
                }
            case "exemplars":
                try reader.fields(value, field: path) { (key, value, path) throws(ConfigError) -> Bool in
                    guard key.name == "max_exemplars" else { return false }
                    maxExemplars = try reader.count(value, field: path)
                    exemplarsGiven = key.node
                    return true
                }
            default: return false
            }
            return true
        }
        if let exemplarsGiven, maxExemplars > 0 {
            warnings.append(reader.error(exemplarsGiven, field: "storage.exemplars.max_exemplars", "exemplars are not stored by this version of Tollgate"))
        }
    }
}
