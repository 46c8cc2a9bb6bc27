// Tollgate — TollgateConfig: one node of alertmanager.yml's routing tree, as written.

public import Model
import Yams

/// One `route` node as written in alertmanager.yml (Alertmanager's `config.Route`).
///
/// Unset options are nil here; the routing tree (Notify's `Route`) fills them from the
/// parent, and the root's from Alertmanager's defaults (group_wait 30s, group_interval 5m,
/// repeat_interval 4h).
public struct RouteConfig: Sendable {
    /// `receiver`, nil when not given (inherited).
    public var receiver: String?
    /// `group_by` label names, nil when not given or holding only `...` (inherited unless
    /// ``groupByAll``). An empty list is also nil, as in Alertmanager.
    public var groupBy: [String]?
    /// `group_by: ['...']`: one group per distinct label set.
    public var groupByAll = false
    /// `continue` (false).
    public var `continue` = false
    /// Every matcher: `match` (equality), `match_re` (regex `^(?:re)$`) and `matchers`,
    /// in Alertmanager's sorted order.
    public var matchers: [LabelMatcher] = []
    /// Whether `match`, `match_re` or `matchers` was given (the root may have none).
    public var hasMatchers: Bool { !matchers.isEmpty }
    /// `group_wait`.
    public var groupWait: PromDuration?
    /// `group_interval`.
    public var groupInterval: PromDuration?
    /// `repeat_interval`.
    public var repeatInterval: PromDuration?
    /// `mute_time_intervals`: names from `time_intervals`.
    public var muteTimeIntervals: [String] = []
    /// `active_time_intervals`: names from `time_intervals`.
    public var activeTimeIntervals: [String] = []
    /// `routes`: the children, in order.
    public var routes: [RouteConfig] = []
    /// Where the node is written: its line and dotted path.
    public var line: Int?
    /// The node's dotted path, e.g. `route.routes[1]`.
    public var field: String

    /// A route sending to `receiver`, with nothing else set.
    public init(receiver: String?, field: String = "route") {
        self.receiver = receiver
        self.field = field
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        self.field = field
        line = node.mark?.line
        var match: [LabelMatcher] = [], matchRE: [LabelMatcher] = [], written: [LabelMatcher] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "receiver":
                let name = try reader.string(value, field: path)
                receiver = name.isEmpty ? nil : name
            case "group_by": try readGroupBy(value, reader: reader, field: path)
            case "continue": self.continue = try reader.bool(value, field: path)
            case "match": match = try reader.legacyMatchers(value, field: path, regex: false)
            case "match_re": matchRE = try reader.legacyMatchers(value, field: path, regex: true)
            case "matchers": written = try reader.matcherList(value, field: path)
            case "group_wait": groupWait = try reader.duration(value, field: path)
            case "group_interval":
                let interval = try reader.duration(value, field: path)
                guard interval.milliseconds != 0 else { throw reader.error(value, field: path, "group_interval cannot be zero") }
                groupInterval = interval
            case "repeat_interval":
                let interval = try reader.duration(value, field: path)
                guard interval.milliseconds != 0 else { throw reader.error(value, field: path, "repeat_interval cannot be zero") }
                repeatInterval = interval
            case "mute_time_intervals": muteTimeIntervals = try reader.strings(value, field: path)
            case "active_time_intervals": activeTimeIntervals = try reader.strings(value, field: path)
            case "routes":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    if let child = reader.attempt({ () throws(ConfigError) in try RouteConfig(item, reader: reader, field: "\(path)[\(index)]") }) {
                        routes.append(child)
                    }
                }
            default: return false
            }
            return true
        }
        matchers = AlertmanagerMatchers.sorted(match + matchRE + written)
    }

    private mutating func readGroupBy(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        var names: [String] = []
        var all = false
        for (index, name) in try reader.strings(node, field: field).enumerated() {
            if name == "..." {
                all = true
            } else if name.isEmpty || String(validating: Array(name.utf8), as: UTF8.self) == nil {
                throw reader.error(node, field: "\(field)[\(index)]", "invalid label name \"\(name)\" in group_by list")
            } else if names.contains(name) {
                throw reader.error(node, field: "\(field)[\(index)]", "duplicated label \"\(name)\" in group_by")
            } else {
                names.append(name)
            }
        }
        if all && !names.isEmpty {
            throw reader.error(node, field: field, "cannot have wildcard group_by (`...`) and other labels at the same time")
        }
        groupByAll = all
        groupBy = names.isEmpty ? nil : names
    }

    /// This node and every node under it, depth first.
    public func walk(_ visit: (RouteConfig) -> Void) {
        visit(self)
        for child in routes { child.walk(visit) }
    }
}
