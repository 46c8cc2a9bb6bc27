// Tollgate — NotifyRender: Alertmanager's template data (`template.Data`), built as its
// `template.Data(recv, groupLabels, alerts...)` builds it, and handed to templates.

public import GoTemplate

/// One alert as a notifier receives it: what Alertmanager stores for an alert.
public struct NotificationAlert: Sendable, Equatable {
    /// The alert's labels (its identity).
    public var labels: [String: String]
    /// The alert's annotations.
    public var annotations: [String: String]
    /// When the alert started, in nanoseconds since the Unix epoch.
    public var startsAt: Int64
    /// When the alert ends or ended, in nanoseconds since the Unix epoch; nil is Go's zero time.
    public var endsAt: Int64?
    /// The link back to the rule that generated the alert.
    public var generatorURL: String

    /// Creates an alert.
    /// - Parameters:
    ///   - labels: The labels.
    ///   - annotations: The annotations.
    ///   - startsAt: Start, nanoseconds since the epoch.
    ///   - endsAt: End, nanoseconds since the epoch, or nil (never set).
    ///   - generatorURL: The generator URL.
    public init(labels: [String: String], annotations: [String: String] = [:], startsAt: Int64, endsAt: Int64? = nil, generatorURL: String = "") {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// Alertmanager's alert fingerprint: FNV-1a 64 over the sorted label names and values,
    /// each followed by the separator byte 0xFF, as 16 lowercase hex digits (`%016x`).
    public var fingerprint: String { Self.fingerprint(labels) }

    /// The fingerprint of a label set (`model.LabelSet.Fingerprint().String()`).
    /// - Parameter labels: The label set.
    /// - Returns: 16 lowercase hex digits.
    public static func fingerprint(_ labels: [String: String]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 1_099_511_628_211
        }
        for name in labels.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            for byte in name.utf8 { add(byte) }
            add(0xFF)
            for byte in (labels[name] ?? "").utf8 { add(byte) }
            add(0xFF)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Alertmanager's order of the alerts in a group (`types.AlertSlice`): by `job`, then
    /// `instance` (an alert with the label first), then by label set (`LabelSet.Before`:
    /// fewer labels first, then the first differing name or value in name order).
    /// - Parameter alerts: The alerts.
    /// - Returns: The alerts in notification order.
    public static func alertmanagerOrder(_ alerts: [NotificationAlert]) -> [NotificationAlert] {
        alerts.sorted { a, b in
            for key in ["job", "instance"] {
                switch (a.labels[key], b.labels[key]) {
                case (nil, nil): continue
                case (nil, _): return false
                case (_, nil): return true
                case (let x?, let y?): if x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
                }
            }
            return before(a.labels, b.labels)
        }
    }

    private static func before(_ a: [String: String], _ b: [String: String]) -> Bool {
        if a.count != b.count { return a.count < b.count }
        for name in Set(a.keys).union(b.keys).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let x = a[name] else { return true }
            guard let y = b[name] else { return false }
            if x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        }
        return false
    }

    /// Whether the alert is resolved at `now` (nanoseconds): its end is set and not after now.
    /// - Parameter now: The time, nanoseconds since the epoch.
    public func isResolved(at now: Int64) -> Bool {
        guard let endsAt else { return false }
        return endsAt <= now
    }
}

/// The data every notification template runs over: Alertmanager's `template.Data`.
///
/// ```swift
/// let data = NotificationData(receiver: "team", groupLabels: ["alertname": "Down"], alerts: alerts,
///                             externalURL: "http://am:9093", now: now)
/// try templates.execute(name: "__subject", data: data)  // "[FIRING:1] Down (…)"
/// ```
public struct NotificationData: Sendable, Equatable {
    /// One alert of the data: Alertmanager's `template.Alert`.
    public struct Alert: Sendable, Equatable {
        /// `firing` or `resolved`.
        public var status: String
        /// The labels.
        public var labels: [String: String]
        /// The annotations.
        public var annotations: [String: String]
        /// Start, nanoseconds since the epoch.
        public var startsAt: Int64
        /// End, nanoseconds since the epoch; nil (Go's zero time) while the alert fires.
        public var endsAt: Int64?
        /// The generator URL.
        public var generatorURL: String
        /// The label set's fingerprint, 16 hex digits.
        public var fingerprint: String
    }

    /// The receiver's name, regex-quoted as Alertmanager quotes it (`regexp.QuoteMeta`).
    public var receiver: String
    /// `firing` when any alert fires, else `resolved`.
    public var status: String
    /// The alerts, in the order given.
    public var alerts: [Alert]
    /// The group's labels.
    public var groupLabels: [String: String]
    /// The labels every alert has with the same value.
    public var commonLabels: [String: String]
    /// The annotations every alert has with the same value.
    public var commonAnnotations: [String: String]
    /// Alertmanager's external URL.
    public var externalURL: String

    /// Builds the data as Alertmanager does: each alert's status at `now`, a firing alert's
    /// end hidden (zero time), common labels and annotations over all alerts.
    /// - Parameters:
    ///   - receiver: The receiver's name (quoted here with `regexp.QuoteMeta`).
    ///   - groupLabels: The group's labels.
    ///   - alerts: The alerts to notify about.
    ///   - externalURL: Alertmanager's external URL.
    ///   - now: The time that decides firing or resolved, nanoseconds since the epoch.
    public init(receiver: String, groupLabels: [String: String], alerts: [NotificationAlert], externalURL: String, now: Int64) {
        self.receiver = Self.quoteMeta(receiver)
        self.groupLabels = groupLabels
        self.externalURL = externalURL
        self.alerts = alerts.map { alert in
            let resolved = alert.isResolved(at: now)
            return Alert(
                status: resolved ? "resolved" : "firing", labels: alert.labels, annotations: alert.annotations, startsAt: alert.startsAt,
                endsAt: resolved ? alert.endsAt : nil, generatorURL: alert.generatorURL, fingerprint: alert.fingerprint)
        }
        status = self.alerts.contains { $0.status == "firing" } ? "firing" : "resolved"
        var labels = alerts.first?.labels ?? [:]
        var annotations = alerts.first?.annotations ?? [:]
        for alert in alerts.dropFirst() {
            labels = labels.filter { alert.labels[$0.key] == $0.value }
            annotations = annotations.filter { alert.annotations[$0.key] == $0.value }
        }
        commonLabels = labels
        commonAnnotations = annotations
    }

    /// The firing alerts (`.Alerts.Firing`).
    public var firing: [Alert] { alerts.filter { $0.status == "firing" } }
    /// The resolved alerts (`.Alerts.Resolved`).
    public var resolved: [Alert] { alerts.filter { $0.status == "resolved" } }

    /// Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`.
    static func quoteMeta(_ s: String) -> String {
        var out = ""
        for c in s {
            if #"\.+*?()|[]{}^$"#.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The data as templates see it: a `template.Data` with Alertmanager's methods.
    public var templateValue: TemplateValue {
        .record(
            TemplateRecord(
                typeName: "template.Data",
                fields: [
                    ("Receiver", .string(receiver)), ("Status", .string(status)), ("Alerts", .list(alerts.map(\.templateValue))),
                    ("GroupLabels", .stringMap(groupLabels)), ("CommonLabels", .stringMap(commonLabels)),
                    ("CommonAnnotations", .stringMap(commonAnnotations)), ("ExternalURL", .string(externalURL)),
                ], pointer: true))
    }
}

extension NotificationData.Alert {
    /// The alert as templates see it: a `template.Alert`.
    public var templateValue: TemplateValue {
        .record(
            TemplateRecord(
                typeName: TemplateMethods.alertType,
                fields: [
                    ("Status", .string(status)), ("Labels", .stringMap(labels)), ("Annotations", .stringMap(annotations)),
                    ("StartsAt", .time(nanoseconds: startsAt)), ("EndsAt", .time(nanoseconds: endsAt ?? TemplateMethods.zeroTime)),
                    ("GeneratorURL", .string(generatorURL)), ("Fingerprint", .string(fingerprint)),
                ]))
    }
}
