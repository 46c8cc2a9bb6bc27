// Tollgate — Notify: the dispatcher that sorts alerts into aggregation groups (Alertmanager's `dispatch.Dispatcher`).

import Model

/// The dispatcher as a state machine: alerts go into the aggregation groups of every
/// route node they match; groups come due on their timers and go out as ``GroupFlush``es.
/// No I/O and no clock: the runtime passes `now` (milliseconds), sleeps until
/// ``nextDeadline()``, runs the flushes ``due(now:)`` returns and reports each with
/// ``flushed(_:succeeded:)``.
///
/// ```swift
/// var dispatch = Dispatch(route: root)
/// dispatch.process(alert, now: now)              // every alert the store takes
/// let wake = dispatch.nextDeadline()             // sleep until then (or a new alert)
/// for flush in dispatch.due(now: now) {          // run the pipeline for each
///     dispatch.flushed(flush, succeeded: ok)
/// }
/// ```
///
/// Mirrors `Dispatcher.processAlert` (a group per route node and group labels, made on
/// the first alert), `aggrGroup` (see ``AggregationGroup``) and the maintenance that
/// destroys empty groups (here at once: after a flush or a removal leaves a group empty).
public struct Dispatch: Sendable {
    /// The routing tree's root.
    public private(set) var route: Route
    private var tree: IndexedRoute
    private var groupsByID: [GroupID: AggregationGroup] = [:]
    private var nextGeneration: UInt64 = 1

    /// Creates a dispatcher with no groups.
    /// - Parameter route: the routing tree's root.
    public init(route: Route) {
        self.route = route
        var next = 0
        tree = IndexedRoute(route, next: &next)
    }

    /// Puts `alert` into the aggregation group of every route node it matches, making a
    /// group where there is none (first flush `group_wait` from `now`, or at once when the
    /// alert started more than `group_wait` ago).
    /// - Parameters:
    ///   - alert: the alert as the store holds it after merging (resolved ones too).
    ///   - now: the current time, milliseconds.
    public mutating func process(_ alert: NotifierAlert, now: Int64) {
        for node in tree.match(alert.labels) {
            let id = GroupID(route: node.index, groupKey: node.route.groupKey(for: alert.labels))
            if groupsByID[id] == nil {
                groupsByID[id] = AggregationGroup(
                    id: id, labels: node.route.groupLabels(for: alert.labels), options: node.route.options, now: now,
                    generation: nextGeneration)
                nextGeneration += 1
            }
            groupsByID[id]?.insert(alert, now: now)
        }
    }

    /// The earliest time a group comes due, or nil when no group waits (none exists, or
    /// every one has a flush out).
    public func nextDeadline() -> Int64? {
        groupsByID.values.lazy.filter { !$0.isFlushing }.map(\.nextFlush).min()
    }

    /// Fires every group whose timer has come by `now` and that has no flush out: each
    /// one's next flush is set to `now + group_interval` and its snapshot returned.
    /// - Parameter now: the current time, milliseconds.
    /// - Returns: the flushes, ordered by group.
    public mutating func due(now: Int64) -> [GroupFlush] {
        let ids = groupsByID.compactMap { $0.value.isDue(now: now) ? $0.key : nil }.sorted()
        var flushes: [GroupFlush] = []
        flushes.reserveCapacity(ids.count)
        for id in ids {
            if let flush = groupsByID[id]?.flush(now: now) { flushes.append(flush) }
        }
        return flushes
    }

    /// Takes the outcome of a flush: on success the resolved alerts of the snapshot not
    /// modified since are deleted, and a group left empty is destroyed; a failure keeps
    /// the group as it is. A flush of a group that no longer exists (removed, or rebuilt
    /// by ``apply(route:)``) is ignored.
    /// - Parameters:
    ///   - flush: a flush ``due(now:)`` returned.
    ///   - succeeded: whether the pipeline succeeded for every integration of the
    ///     receiver (integrations that had nothing to send count as succeeded).
    public mutating func flushed(_ flush: GroupFlush, succeeded: Bool) {
        guard var group = groupsByID[flush.id], group.generation == flush.generation else { return }
        group.finish(flush, succeeded: succeeded)
        groupsByID[flush.id] = group.isEmpty ? nil : group
    }

    /// Drops alerts the store garbage-collected, and the groups left empty.
    /// - Parameter fingerprints: the alerts' fingerprints.
    public mutating func remove(fingerprints: Set<UInt64>) {
        guard !fingerprints.isEmpty else { return }
        for id in Array(groupsByID.keys) {
            groupsByID[id]?.remove(fingerprints: fingerprints)
            if groupsByID[id]?.isEmpty == true { groupsByID[id] = nil }
        }
    }

    /// Takes a new routing tree (a configuration reload). Alertmanager stops its
    /// dispatcher and starts a new one, which receives every alert of the store again;
    /// likewise every group is dropped here and the runtime must ``process(_:now:)``
    /// each alert of its store after this call. Reports of flushes still out are ignored.
    /// - Parameter route: the new root.
    public mutating func apply(route: Route) {
        self = Dispatch(route: route, generation: nextGeneration)
    }

    private init(route: Route, generation: UInt64) {
        self.init(route: route)
        nextGeneration = generation
    }

    /// The groups as `GET /api/v2/alerts/groups` lists them, in Alertmanager's order
    /// (`AlertGroups`: by group labels, then receiver); alerts in fingerprint order.
    public var groups: [AlertGroupSnapshot] {
        groupsByID.values.sorted(by: Self.apiOrder).map(\.snapshot)
    }

    /// The group with this identity, if it exists.
    /// - Parameter id: the identity.
    public func group(_ id: GroupID) -> AggregationGroup? { groupsByID[id] }

    /// The number of groups.
    public var groupCount: Int { groupsByID.count }

    /// For every alert held, the receivers of the groups holding it, sorted (the
    /// `receivers` of `GET /api/v2/alerts`), as `Dispatcher.Groups` computes them.
    public var receiversByFingerprint: [UInt64: [String]] {
        var receivers: [UInt64: [String]] = [:]
        for group in groupsByID.values {
            for fingerprint in group.alertsByFingerprint.keys { receivers[fingerprint, default: []].append(group.options.receiver) }
        }
        return receivers.mapValues { $0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
    }

    /// `AlertGroups.Less`: group labels with `LabelSet.Before`, then receiver; the key
    /// and route position break the remaining ties so the order is total.
    static func apiOrder(_ a: AggregationGroup, _ b: AggregationGroup) -> Bool {
        if a.labels != b.labels { return labelSetBefore(a.labels, b.labels) }
        if a.options.receiver != b.options.receiver { return a.options.receiver.utf8.lexicographicallyPrecedes(b.options.receiver.utf8) }
        return a.id < b.id
    }

    /// Prometheus's `LabelSet.Before`: fewer labels first; then, over the union of the
    /// names in order, the first name one set lacks (the set lacking it first) or the
    /// first differing value decides.
    static func labelSetBefore(_ a: Labels, _ b: Labels) -> Bool {
        if a.count != b.count { return a.count < b.count }
        let names = (a.map(\.name) + b.map(\.name)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            guard let left = a[name] else { return true }
            guard let right = b[name] else { return false }
            if left != right { return left.utf8.lexicographicallyPrecedes(right.utf8) }
        }
        return false
    }
}

/// A route node with its pre-order position, for group identities.
struct IndexedRoute: Sendable {
    let index: Int
    let route: Route
    let children: [IndexedRoute]

    init(_ route: Route, next: inout Int) {
        index = next
        next += 1
        self.route = route
        var children: [IndexedRoute] = []
        for child in route.routes { children.append(IndexedRoute(child, next: &next)) }
        self.children = children
    }

    /// ``Route/match(_:)`` keeping positions: depth first, a matching child without
    /// `continue` ends the search among its siblings, a node no child of which matches
    /// is the result.
    func match(_ labels: Labels) -> [IndexedRoute] {
        guard route.accepts(labels) else { return [] }
        var all: [IndexedRoute] = []
        for child in children {
            let matches = child.match(labels)
            all += matches
            if !matches.isEmpty && !child.route.continue { break }
        }
        return all.isEmpty ? [self] : all
    }
}
