// Tollgate — Notify: the notification log, what each integration last notified per group (Alertmanager's `nflog`).

/// Which notifications an entry is about: one group, one integration of one receiver
/// (Alertmanager's state key `<group key>:<receiver>/<integration>/<index>`).
public struct NotificationLogKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The group key.
    public var groupKey: String
    /// The receiver's name.
    public var receiver: String
    /// The integration's kind (`webhook`, `slack`, `pagerduty`, `email`).
    public var integration: String
    /// The integration's position among the receiver's integrations of that kind.
    public var index: Int

    /// Creates a key.
    /// - Parameters:
    ///   - groupKey: the group key.
    ///   - receiver: the receiver's name.
    ///   - integration: the integration's kind.
    ///   - index: its position among that kind.
    public init(groupKey: String, receiver: String, integration: String, index: Int) {
        self.groupKey = groupKey
        self.receiver = receiver
        self.integration = integration
        self.index = index
    }

    /// Alertmanager's `stateKey`: `<group key>:<receiver>/<integration>/<index>`.
    public var description: String { "\(groupKey):\(receiver)/\(integration)/\(index)" }

    /// Keys order by their ``description``'s parts: group key, receiver, integration, index.
    public static func < (a: NotificationLogKey, b: NotificationLogKey) -> Bool {
        if a.groupKey != b.groupKey { return a.groupKey.utf8.lexicographicallyPrecedes(b.groupKey.utf8) }
        if a.receiver != b.receiver { return a.receiver.utf8.lexicographicallyPrecedes(b.receiver.utf8) }
        if a.integration != b.integration { return a.integration.utf8.lexicographicallyPrecedes(b.integration.utf8) }
        return a.index < b.index
    }
}

/// One entry of the notification log (`nflogpb.MeshEntry`): what an integration last
/// notified for a group, and when. A plain row for persistence.
public struct NotificationLogEntry: Sendable, Equatable {
    /// The group key.
    public var groupKey: String
    /// The receiver's name.
    public var receiver: String
    /// The integration's kind.
    public var integration: String
    /// The integration's position among that kind.
    public var index: Int
    /// The fingerprints (``NotifierAlert/fingerprint``) of the alerts firing at the notification.
    public var firing: [UInt64]
    /// The fingerprints of the alerts resolved at the notification.
    public var resolved: [UInt64]
    /// When it was notified, milliseconds since the epoch.
    public var timestamp: Int64
    /// When the entry expires, milliseconds since the epoch.
    public var expiresAt: Int64

    /// Creates an entry.
    /// - Parameters:
    ///   - key: the group and integration.
    ///   - firing: the firing alerts' fingerprints.
    ///   - resolved: the resolved alerts' fingerprints.
    ///   - timestamp: when it was notified, milliseconds.
    ///   - expiresAt: when it expires, milliseconds.
    public init(key: NotificationLogKey, firing: [UInt64], resolved: [UInt64], timestamp: Int64, expiresAt: Int64) {
        groupKey = key.groupKey
        receiver = key.receiver
        integration = key.integration
        index = key.index
        self.firing = firing
        self.resolved = resolved
        self.timestamp = timestamp
        self.expiresAt = expiresAt
    }

    /// The entry's key.
    public var key: NotificationLogKey {
        NotificationLogKey(groupKey: groupKey, receiver: receiver, integration: integration, index: index)
    }

    /// Whether every fingerprint of `subset` was firing at the notification (`Entry.IsFiringSubset`).
    /// - Parameter subset: the fingerprints.
    public func isFiringSubset(_ subset: Set<UInt64>) -> Bool { subset.isSubset(of: Set(firing)) }

    /// Whether every fingerprint of `subset` was resolved at the notification (`Entry.IsResolvedSubset`).
    /// - Parameter subset: the fingerprints.
    public func isResolvedSubset(_ subset: Set<UInt64>) -> Bool { subset.isSubset(of: Set(resolved)) }
}

/// The notification log (Alertmanager's `nflog.Log`): one entry per group and
/// integration, replaced at each notification, dropped once expired. In memory; the
/// runtime persists ``entries`` and hands them back with ``restore(_:)``.
public struct NotificationLog: Sendable {
    /// `--data.retention`'s default: 120 hours, in milliseconds.
    public static let defaultRetention: Int64 = 120 * 3_600_000

    /// How long an entry lives at most, milliseconds.
    public var retention: Int64
    private var entriesByKey: [NotificationLogKey: NotificationLogEntry] = [:]

    /// Creates an empty log.
    /// - Parameter retention: how long entries live at most, milliseconds.
    public init(retention: Int64 = defaultRetention) {
        self.retention = retention
    }

    /// The entry for a group and integration (`Query(QGroupKey, QReceiver)`), expired or not.
    /// - Parameter key: the group and integration.
    public func entry(_ key: NotificationLogKey) -> NotificationLogEntry? { entriesByKey[key] }

    /// The entry for a group and integration.
    /// - Parameters:
    ///   - groupKey: the group key.
    ///   - receiver: the receiver's name.
    ///   - integration: the integration's kind.
    ///   - index: its position among that kind.
    public func entry(groupKey: String, receiver: String, integration: String, index: Int) -> NotificationLogEntry? {
        entriesByKey[NotificationLogKey(groupKey: groupKey, receiver: receiver, integration: integration, index: index)]
    }

    /// Records a notification (`Log.Log`): the entry's time is `now`; it expires after
    /// the retention, or after `expiry` when that is positive and shorter (the pipeline
    /// passes twice the repeat interval). An existing entry newer than `now` is kept.
    /// - Parameters:
    ///   - key: the group and integration.
    ///   - firing: the firing alerts' fingerprints.
    ///   - resolved: the resolved alerts' fingerprints.
    ///   - now: the current time, milliseconds.
    ///   - expiry: the entry's lifetime if shorter than the retention (0: the retention).
    /// - Returns: the entry written, or nil when a newer one was kept.
    @discardableResult
    public mutating func log(_ key: NotificationLogKey, firing: [UInt64], resolved: [UInt64], now: Int64, expiry: Int64 = 0) -> NotificationLogEntry? {
        if let previous = entriesByKey[key], previous.timestamp > now { return nil }
        let lifetime = expiry > 0 && retention > expiry ? expiry : retention
        let entry = NotificationLogEntry(key: key, firing: firing, resolved: resolved, timestamp: now, expiresAt: now + lifetime)
        entriesByKey[key] = entry
        return entry
    }

    /// Drops the entries whose expiry is not after `now` (`Log.GC`).
    /// - Parameter now: the current time, milliseconds.
    /// - Returns: the entries dropped, in key order (for the runtime's store).
    @discardableResult
    public mutating func collectGarbage(now: Int64) -> [NotificationLogEntry] {
        let expired = entriesByKey.values.filter { $0.expiresAt <= now }.sorted { $0.key < $1.key }
        for entry in expired { entriesByKey[entry.key] = nil }
        return expired
    }

    /// Every entry, in key order.
    public var entries: [NotificationLogEntry] {
        entriesByKey.values.sorted { $0.key < $1.key }
    }

    /// Replaces the log's contents with persisted entries; of two entries with one key,
    /// the newer wins (as Alertmanager merges a snapshot). Expired entries stay until
    /// the next ``collectGarbage(now:)``.
    /// - Parameter entries: the entries.
    public mutating func restore(_ entries: [NotificationLogEntry]) {
        entriesByKey = [:]
        for entry in entries {
            if let existing = entriesByKey[entry.key], existing.timestamp >= entry.timestamp { continue }
            entriesByKey[entry.key] = entry
        }
    }
}
