// Tollgate — Notify: the notifier's alerts by fingerprint (Alertmanager's API v2 post handler,
// `provider/mem` Put and GC, and `types.Alert.Merge`), as a value type.

import Model

/// The alerts the notifier holds, one per fingerprint, merged as Alertmanager merges them.
///
/// Pure state: time comes in as `now` (milliseconds since the epoch); nothing here reads a
/// clock or does I/O.
///
/// ```swift
/// var store = AlertStore(resolveTimeout: 300_000)
/// let outcome = store.post(alerts, now: now)   // what POST /api/v2/alerts does
/// let dropped = store.collectGarbage(now: now) // resolved alerts leave
/// ```
public struct AlertStore: Sendable {
    /// `global.resolve_timeout` in milliseconds: the end given to alerts posted without one.
    public var resolveTimeout: Int64
    private var byFingerprint: [UInt64: NotifierAlert] = [:]

    /// An empty store.
    /// - Parameter resolveTimeout: `global.resolve_timeout`, milliseconds (Alertmanager's default is 5m).
    public init(resolveTimeout: Int64) {
        self.resolveTimeout = resolveTimeout
    }

    /// The number of alerts held.
    public var count: Int { byFingerprint.count }

    /// Every alert held, ordered by fingerprint.
    public var alerts: [NotifierAlert] {
        byFingerprint.sorted { $0.key < $1.key }.map(\.value)
    }

    /// The alert with this fingerprint, if held.
    public func alert(_ fingerprint: UInt64) -> NotifierAlert? { byFingerprint[fingerprint] }

    /// Takes alerts in as Alertmanager's API handler and memory provider do: each gets
    /// ``prepare(_:now:resolveTimeout:)``'s defaults, then replaces the stored alert of its
    /// fingerprint, merged with it (``merge(_:_:now:)``) when their activity ranges overlap.
    ///
    /// No validation happens here; ``post(_:now:)`` validates first.
    /// - Parameters:
    ///   - alerts: the alerts, in arrival order (a later one in the batch merges with an earlier one).
    ///   - now: the time of arrival.
    /// - Returns: the stored version of each alert, in input order.
    @discardableResult
    public mutating func put(_ alerts: [NotifierAlert], now: Int64) -> [NotifierAlert] {
        var stored: [NotifierAlert] = []
        stored.reserveCapacity(alerts.count)
        for incoming in alerts {
            var alert = Self.prepare(incoming, now: now, resolveTimeout: resolveTimeout)
            let fingerprint = alert.fingerprint
            if let old = byFingerprint[fingerprint], Self.overlaps(alert, old) {
                alert = Self.merge(old, alert, now: now)
            }
            byFingerprint[fingerprint] = alert
            stored.append(alert)
        }
        return stored
    }

    /// `POST /api/v2/alerts`: prepares every alert, validates it, and stores the valid ones
    /// (Alertmanager stores them even when others in the batch are invalid).
    /// - Parameters:
    ///   - alerts: the posted alerts.
    ///   - now: the time of the request.
    ///   - names: the label name rule (``LabelNames/utf8``, Alertmanager 0.27's default).
    /// - Returns: the stored versions of the valid alerts, and one message per invalid alert
    ///   (Alertmanager answers 400 with the messages joined by `"; "`).
    public mutating func post(_ alerts: [NotifierAlert], now: Int64, names: LabelNames = .utf8) -> (stored: [NotifierAlert], errors: [String]) {
        var valid: [NotifierAlert] = []
        var errors: [String] = []
        for incoming in alerts {
            let alert = Self.prepare(incoming, now: now, resolveTimeout: resolveTimeout)
            if let problem = Self.validate(alert, names: names) {
                errors.append(problem)
            } else {
                valid.append(alert)
            }
        }
        return (put(valid, now: now), errors)
    }

    /// Drops every resolved alert, as the memory provider's garbage collection does.
    /// - Parameter now: the time of the collection.
    /// - Returns: the fingerprints dropped, ascending (their marker entries should go too).
    public mutating func collectGarbage(now: Int64) -> [UInt64] {
        let resolved = byFingerprint.filter { $0.value.resolved(at: now) }.keys.sorted()
        for fingerprint in resolved { byFingerprint[fingerprint] = nil }
        return resolved
    }

    /// Removes one alert.
    /// - Returns: the alert removed, if it was held.
    @discardableResult
    public mutating func remove(_ fingerprint: UInt64) -> NotifierAlert? {
        byFingerprint.removeValue(forKey: fingerprint)
    }

    /// Replaces the whole state with persisted alerts, taken as they are (no defaults, no merging).
    /// - Parameter alerts: the alerts; a later one replaces an earlier one of the same fingerprint.
    public mutating func restore(_ alerts: [NotifierAlert]) {
        byFingerprint = [:]
        byFingerprint.reserveCapacity(alerts.count)
        for alert in alerts { byFingerprint[alert.fingerprint] = alert }
    }

    // MARK: - Alertmanager's rules

    /// The API handler's defaults: `updatedAt` is `now`; a missing `startsAt` becomes `now`
    /// (or `endsAt` when only that is set); a missing `endsAt` becomes `now + resolveTimeout`
    /// with ``NotifierAlert/timeout`` set; labels with empty values are dropped.
    /// - Parameters:
    ///   - alert: the alert as received.
    ///   - now: the time of arrival.
    ///   - resolveTimeout: `global.resolve_timeout`, milliseconds.
    /// - Returns: the alert ready to store.
    public static func prepare(_ alert: NotifierAlert, now: Int64, resolveTimeout: Int64) -> NotifierAlert {
        var alert = alert
        alert.updatedAt = now
        if alert.startsAt == 0 {
            alert.startsAt = alert.endsAt == 0 ? now : alert.endsAt
        }
        if alert.endsAt == 0 {
            alert.timeout = true
            alert.endsAt = now + resolveTimeout
        }
        alert.labels = alert.labels.removingEmptyValues()
        return alert
    }

    /// Whether `new` overlaps `old`'s activity range, the memory provider's condition for
    /// merging (strict comparisons, as in `provider/mem` Put).
    static func overlaps(_ new: NotifierAlert, _ old: NotifierAlert) -> Bool {
        (new.endsAt > old.startsAt && new.endsAt < old.endsAt) || (new.startsAt > old.startsAt && new.startsAt < old.endsAt)
    }

    /// Two versions of one alert merged (`types.Alert.Merge`): the younger (later `updatedAt`,
    /// the second on a tie) gives labels, annotations, URL, `updatedAt` and `timeout`; the
    /// earliest `startsAt` wins; if the younger is resolved, the older's later end wins only
    /// when the older is resolved too; otherwise the older's later end wins unless it came
    /// from a timeout.
    /// - Parameters:
    ///   - a: one version.
    ///   - b: the other version.
    ///   - now: the time that decides "resolved".
    /// - Returns: the merged alert.
    public static func merge(_ a: NotifierAlert, _ b: NotifierAlert, now: Int64) -> NotifierAlert {
        let (older, younger) = b.updatedAt < a.updatedAt ? (b, a) : (a, b)
        var result = younger
        if older.startsAt < younger.startsAt { result.startsAt = older.startsAt }
        if younger.resolved(at: now) {
            if older.resolved(at: now) && older.endsAt > younger.endsAt { result.endsAt = older.endsAt }
        } else if older.endsAt > younger.endsAt && !older.timeout {
            result.endsAt = older.endsAt
        }
        return result
    }
}
