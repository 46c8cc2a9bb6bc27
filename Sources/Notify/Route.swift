// Tollgate — Notify: the routing tree (Alertmanager's `dispatch.Route`).

public import Model
public import TollgateConfig

/// A node of the routing tree, built from alertmanager.yml's `route` with every option
/// inherited down the tree as Alertmanager does (`dispatch.NewRoute`).
///
/// ```swift
/// let root = Route(file.route)
/// let routes = root.match(Labels(["alertname": "HighErrorRate", "severity": "critical"]))
/// routes.map(\.options.receiver)                 // e.g. ["pagerduty"]
/// routes[0].groupKey(for: alertLabels)           // {}/{severity="critical"}:{alertname="HighErrorRate"}
/// ```
public struct Route: Sendable {
    /// The node's options, after inheritance.
    public var options: RouteOptions
    /// The matchers an alert must satisfy, in Alertmanager's order (empty on the root).
    public var matchers: [LabelMatcher]
    /// `continue`: after this node matches, later siblings are tried too.
    public var `continue`: Bool
    /// The children, in order.
    public var routes: [Route]
    /// The route's key: its ancestors' matcher sets and its own, joined by `/`
    /// (`{}/{severity="critical"}`); not unique in general, as in Alertmanager.
    public var key: String

    /// Builds the tree under `config`.
    /// - Parameters:
    ///   - config: the node as written.
    ///   - parent: the parent's options and key; nil for the root, which starts from
    ///     ``RouteOptions/defaults``.
    public init(_ config: RouteConfig, parent: (options: RouteOptions, key: String)? = nil) {
        var options = parent?.options ?? .defaults
        if let receiver = config.receiver { options.receiver = receiver }
        if let groupBy = config.groupBy {
            options.groupBy = Array(Set(groupBy)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            options.groupByAll = false
        } else if config.groupByAll {
            options.groupByAll = true
        }
        if let wait = config.groupWait { options.groupWait = wait }
        if let interval = config.groupInterval { options.groupInterval = interval }
        if let interval = config.repeatInterval { options.repeatInterval = interval }
        options.muteTimeIntervals = config.muteTimeIntervals
        options.activeTimeIntervals = config.activeTimeIntervals
        self.options = options
        matchers = config.matchers
        self.continue = config.continue
        let own = AlertmanagerMatchers.format(config.matchers)
        key = parent.map { $0.key + "/" + own } ?? own
        let key = self.key
        routes = config.routes.map { Route($0, parent: (options, key)) }
    }

    /// Whether `labels` satisfy this node's own matchers (a missing label counts as "").
    public func accepts(_ labels: Labels) -> Bool { labels.matches(matchers) }

    /// The nodes an alert with `labels` ends in: depth first, left to right; a matching
    /// child stops the search among its siblings unless it has `continue`; a node no
    /// child of which matches is itself the result. Empty when this node does not match.
    /// - Complexity: O(nodes × matchers) at worst.
    public func match(_ labels: Labels) -> [Route] {
        guard accepts(labels) else { return [] }
        var all: [Route] = []
        for child in routes {
            let matches = child.match(labels)
            all += matches
            if !matches.isEmpty && !child.continue { break }
        }
        return all.isEmpty ? [self] : all
    }

    /// The labels of `labels` that form the alert's group on this node: those named in
    /// `group_by`, or all with `...`; labels the alert lacks are simply absent.
    public func groupLabels(for labels: Labels) -> Labels {
        if options.groupByAll { return labels }
        let names = Set(options.groupBy)
        return Labels(sorting: labels.filter { names.contains($0.name) })
    }

    /// The group key Alertmanager builds: `<route key>:<group labels>`, the labels as
    /// `{a="x", b="y"}` (sorted, Go-quoted values, comma and space).
    public func groupKey(for labels: Labels) -> String {
        key + ":" + Self.labelSetString(groupLabels(for: labels))
    }

    /// A label set as Alertmanager's `model.LabelSet.String()` prints it.
    public static func labelSetString(_ labels: Labels) -> String {
        "{" + labels.map { "\($0.name)=\(AlertmanagerMatchers.quote($0.value))" }.joined(separator: ", ") + "}"
    }

    /// This node and every node under it, depth first.
    public func walk(_ visit: (Route) -> Void) {
        visit(self)
        for child in routes { child.walk(visit) }
    }
}
