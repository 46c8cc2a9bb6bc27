// Tollgate — Notify: the routing tree as text, as `amtool config routes` prints it.

public import Model

/// The text forms of the routing tree that `amtool config routes show` and
/// `amtool config routes test --tree` print (the `treeprint` layout, with `.` as root; a
/// continued branch is indented by `│`, two no-break spaces and a space, as treeprint does).
///
/// ```
/// Routing tree:
/// .
/// └── default-route  receiver: default
///     ├── {severity="critical"}  continue: true  receiver: pagerduty
///     └── {severity="warning"}  receiver: slack
/// ```
public enum RouteTree {
    /// `amtool config routes show`'s output: `Routing tree:`, the tree, a blank line.
    public static func show(_ root: Route) -> String {
        var lines = ["."]
        add(root, prefix: "", last: true, to: &lines) { route in slug(route, showContinue: true, showReceiver: true) }
        return "Routing tree:\n" + lines.joined(separator: "\n") + "\n\n"
    }

    /// `amtool config routes test --tree`'s first part: `Matching routes:`, the branches an
    /// alert with `labels` takes (the final nodes with their receiver), two blank lines.
    public static func matching(_ root: Route, labels: Labels) -> String {
        var lines = ["."]
        addMatching(root, labels: labels, prefix: "", last: true, to: &lines)
        return "Matching routes:\n" + lines.joined(separator: "\n") + "\n\n\n"
    }

    /// The receivers an alert with `labels` resolves to, in tree order (duplicates kept).
    public static func receivers(_ root: Route, labels: Labels) -> [String] {
        root.match(labels).map(\.options.receiver)
    }

    /// A node's text: its matchers (`default-route` when it has none), then optionally
    /// `continue: true` and `receiver: R`, separated by two spaces.
    public static func slug(_ route: Route, showContinue: Bool, showReceiver: Bool) -> String {
        var text = route.matchers.isEmpty ? "default-route" : AlertmanagerMatchers.format(route.matchers)
        if route.continue && showContinue { text += "  continue: true" }
        if showReceiver { text += "  receiver: " + route.options.receiver }
        return text
    }

    private static func add(_ route: Route, prefix: String, last: Bool, to lines: inout [String], text: (Route) -> String) {
        lines.append(prefix + (last ? "└── " : "├── ") + text(route))
        let inner = prefix + (last ? "    " : "│\u{00A0}\u{00A0} ")
        for (index, child) in route.routes.enumerated() {
            add(child, prefix: inner, last: index == route.routes.count - 1, to: &lines, text: text)
        }
    }

    /// amtool's `getMatchingTree`: the matching children (stopping at the first without
    /// `continue`), and the receiver on a node no child of which matched.
    private static func addMatching(_ route: Route, labels: Labels, prefix: String, last: Bool, to lines: inout [String]) {
        let matched = matchedChildren(route, labels: labels)
        let text = slug(route, showContinue: false, showReceiver: matched.isEmpty)
        lines.append(prefix + (last ? "└── " : "├── ") + text)
        let inner = prefix + (last ? "    " : "│\u{00A0}\u{00A0} ")
        for (index, child) in matched.enumerated() {
            addMatching(child, labels: labels, prefix: inner, last: index == matched.count - 1, to: &lines)
        }
    }

    private static func matchedChildren(_ route: Route, labels: Labels) -> [Route] {
        var matched: [Route] = []
        for child in route.routes where child.accepts(labels) {
            matched.append(child)
            if !child.continue { break }
        }
        return matched
    }
}
