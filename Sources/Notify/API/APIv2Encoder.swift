// Tollgate — Notify: the JSON API v2 answers with, byte for byte, as Alertmanager writes it.

import Model

/// Writes API v2 answers as Alertmanager 0.25 does: go-swagger's members (alphabetical, the
/// `allOf` parts one after the other), Go's string escaping, times as
/// `2006-01-02T15:04:05.000Z` in UTC, and the line feed Go's JSON encoder ends a body with.
///
/// ```swift
/// APIv2Encoder.receivers(["default", "pager"])  // [{"name":"default"},{"name":"pager"}]\n
/// ```
public enum APIv2Encoder {
    /// One alert with what the notifier knows about it.
    public struct AlertEntry: Sendable, Equatable {
        /// The alert.
        public var alert: NotifierAlert
        /// Its status (state, silences, inhibitors).
        public var status: AlertStatus
        /// The receivers of the routes it matches, in tree order.
        public var receivers: [String]

        /// Creates an entry.
        public init(alert: NotifierAlert, status: AlertStatus, receivers: [String]) {
            self.alert = alert
            self.status = status
            self.receivers = receivers
        }
    }

    /// Go's build information, as `versionInfo` shows it.
    public struct VersionInfo: Sendable, Equatable {
        /// `version`, `revision`, `branch`, `buildUser`, `buildDate`, `goVersion`.
        public var version, revision, branch, buildUser, buildDate, goVersion: String

        /// Creates the version information.
        public init(version: String, revision: String = "", branch: String = "", buildUser: String = "", buildDate: String = "", goVersion: String = "") {
            self.version = version
            self.revision = revision
            self.branch = branch
            self.buildUser = buildUser
            self.buildDate = buildDate
            self.goVersion = goVersion
        }
    }

    /// `GET /api/v2/alerts`: the alerts sorted by fingerprint, as the handler sorts them.
    public static func gettableAlerts(_ entries: [AlertEntry]) -> [UInt8] {
        let sorted = entries.map { (NotifierAlert.hex($0.alert.fingerprint), $0) }.sorted { $0.0 < $1.0 }
        var json = JSONWriter()
        json.array { json in
            for (_, entry) in sorted { write(entry, to: &json) }
        }
        return json.bytes + [0x0A]
    }

    /// `GET /api/v2/alerts/groups`: each group `{alerts, labels, receiver:{name}}`, groups in
    /// Alertmanager's order (by labels, then receiver) and alerts in its `AlertSlice` order
    /// (by `job`, then `instance`, then labels).
    /// - Parameters:
    ///   - groups: the groups, their alerts already filtered.
    ///   - details: an alert's status and receivers.
    public static func alertGroups(_ groups: [AlertGroupSnapshot], details: (NotifierAlert) -> (status: AlertStatus, receivers: [String])) -> [UInt8] {
        let ordered = groups.sorted { a, b in
            a.labels == b.labels ? a.receiver.utf8.lexicographicallyPrecedes(b.receiver.utf8) : labelSetBefore(a.labels, b.labels)
        }
        var json = JSONWriter()
        json.array { json in
            for group in ordered {
                json.object { json in
                    json.key("alerts")
                    json.array { json in
                        for alert in group.alerts.sorted(by: alertSliceLess) {
                            let (status, receivers) = details(alert)
                            write(AlertEntry(alert: alert, status: status, receivers: receivers), to: &json)
                        }
                    }
                    json.key("labels")
                    json.goLabels(group.labels)
                    json.key("receiver")
                    json.object { $0.goField("name", group.receiver) }
                }
            }
        }
        return json.bytes + [0x0A]
    }

    /// `GET /api/v2/silences`: active ones first (soonest end first), then pending (soonest
    /// start first), then expired (latest end first), as `SortSilences` orders them.
    public static func gettableSilences(_ silences: [Silence], now: Int64) -> [UInt8] {
        let rank: [Silence.State: Int] = [.active: 1, .pending: 2, .expired: 3]
        let sorted = silences.map { ($0.state(at: now), $0) }.sorted { a, b in
            if a.0 != b.0 { return (rank[a.0] ?? 0) < (rank[b.0] ?? 0) }
            switch a.0 {
            case .active: return a.1.endsAt < b.1.endsAt
            case .pending: return a.1.startsAt < b.1.startsAt
            case .expired: return a.1.endsAt > b.1.endsAt
            }
        }
        var json = JSONWriter()
        json.array { json in
            for (_, silence) in sorted { write(silence, now: now, to: &json) }
        }
        return json.bytes + [0x0A]
    }

    /// `GET /api/v2/silence/{id}`: one silence.
    public static func gettableSilence(_ silence: Silence, now: Int64) -> [UInt8] {
        var json = JSONWriter()
        write(silence, now: now, to: &json)
        return json.bytes + [0x0A]
    }

    /// `POST /api/v2/silences`' answer: `{"silenceID":"…"}`.
    public static func postSilenceResponse(id: String) -> [UInt8] {
        var json = JSONWriter()
        json.object { $0.goField("silenceID", id) }
        return json.bytes + [0x0A]
    }

    /// `GET /api/v2/receivers`: `[{"name":…}]` in configuration order.
    public static func receivers(_ names: [String]) -> [UInt8] {
        var json = JSONWriter()
        json.array { json in
            for name in names { json.object { $0.goField("name", name) } }
        }
        return json.bytes + [0x0A]
    }

    /// `GET /api/v2/status` of an Alertmanager that is not clustered (amtool reads it):
    /// `{"cluster":{"peers":[],"status":"disabled"},"config":{"original":…},"uptime":…,"versionInfo":{…}}`.
    /// - Parameters:
    ///   - configYAML: the configuration as YAML (`config.original`).
    ///   - startedAt: when the process started, milliseconds (`uptime` is that time).
    ///   - version: the build information.
    public static func status(configYAML: String, startedAt: Int64, version: VersionInfo) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.key("cluster")
            json.object { json in
                json.key("peers")
                json.array { _ in }
                json.goField("status", "disabled")
            }
            json.key("config")
            json.object { $0.goField("original", configYAML) }
            json.goField("uptime", dateTime(startedAt))
            json.key("versionInfo")
            json.object { json in
                json.goField("branch", version.branch)
                json.goField("buildDate", version.buildDate)
                json.goField("buildUser", version.buildUser)
                json.goField("goVersion", version.goVersion)
                json.goField("revision", version.revision)
                json.goField("version", version.version)
            }
        }
        return json.bytes + [0x0A]
    }

    /// A time as `strfmt.DateTime` writes it: `2006-01-02T15:04:05.000Z`, in UTC.
    public static func dateTime(_ milliseconds: Int64) -> String {
        let seconds = Timestamp.floorDivide(milliseconds, 1000)
        let millis = milliseconds - seconds * 1000
        let whole = Timestamp.rfc3339(seconds: seconds, nanoseconds: 0)
        let digits = String(millis)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// A `gettableAlert`: its own members, then the `alert` part's.
    static func write(_ entry: AlertEntry, to json: inout JSONWriter) {
        let alert = entry.alert
        json.object { json in
            json.key("annotations")
            json.goLabels(alert.annotations)
            json.goField("endsAt", dateTime(alert.endsAt))
            json.goField("fingerprint", NotifierAlert.hex(alert.fingerprint))
            json.key("receivers")
            json.array { json in
                for name in entry.receivers { json.object { $0.goField("name", name) } }
            }
            json.goField("startsAt", dateTime(alert.startsAt))
            json.key("status")
            json.object { json in
                json.key("inhibitedBy")
                json.array { json in for id in entry.status.inhibitedBy { json.goString(id) } }
                json.key("silencedBy")
                json.array { json in for id in entry.status.silencedBy { json.goString(id) } }
                json.goField("state", entry.status.state.rawValue)
            }
            json.goField("updatedAt", dateTime(alert.updatedAt))
            if !alert.generatorURL.isEmpty { json.goField("generatorURL", alert.generatorURL) }
            json.key("labels")
            json.goLabels(alert.labels)
        }
    }

    /// A `gettableSilence`: `id`, `status`, `updatedAt`, then the `silence` part's members.
    static func write(_ silence: Silence, now: Int64, to json: inout JSONWriter) {
        json.object { json in
            json.goField("id", silence.id)
            json.key("status")
            json.object { $0.goField("state", silence.state(at: now).rawValue) }
            json.goField("updatedAt", dateTime(silence.updatedAt))
            json.goField("comment", silence.comment)
            json.goField("createdBy", silence.createdBy)
            json.goField("endsAt", dateTime(silence.endsAt))
            json.key("matchers")
            json.array { json in
                for matcher in silence.matchers {
                    json.object { json in
                        json.key("isEqual")
                        json.bool(matcher.kind == .equal || matcher.kind == .regex)
                        json.key("isRegex")
                        json.bool(matcher.kind == .regex || matcher.kind == .notRegex)
                        json.goField("name", matcher.name)
                        json.goField("value", matcher.value)
                    }
                }
            }
            json.goField("startsAt", dateTime(silence.startsAt))
        }
    }

    /// Go's `LabelSet.Before`: fewer labels first, then by the first differing name or value.
    static func labelSetBefore(_ a: Labels, _ b: Labels) -> Bool {
        if a.count != b.count { return a.count < b.count }
        let names = (a.map(\.name) + b.map(\.name)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            guard let x = a[name] else { return true }
            guard let y = b[name] else { return false }
            if x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        }
        return false
    }

    /// Alertmanager's `AlertSlice` order: by `job`, then `instance` (alerts having the label
    /// first), then ``labelSetBefore(_:_:)``.
    static func alertSliceLess(_ a: NotifierAlert, _ b: NotifierAlert) -> Bool {
        for key in ["job", "instance"] {
            let x = a.labels[key], y = b.labels[key]
            if x == nil && y == nil { continue }
            guard let x else { return false }
            guard let y else { return true }
            if x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        }
        return labelSetBefore(a.labels, b.labels)
    }
}

extension JSONWriter {
    /// A string as Go's encoder writes it: JSONWriter's escaping plus U+2028 and U+2029.
    mutating func goString(_ value: String) {
        guard value.unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" }) else {
            string(value)
            return
        }
        var quoted = JSONWriter()
        quoted.string(value)
        var out: [UInt8] = []
        let bytes = quoted.bytes
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                out += Array((bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        raw(out)
    }

    /// A member whose value is a string, written by ``goString(_:)``.
    mutating func goField(_ name: String, _ value: String) {
        key(name)
        goString(value)
    }

    /// A label set as a Go map: names in byte order.
    mutating func goLabels(_ labels: Labels) {
        let sorted = labels.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        object { json in
            for label in sorted { json.goField(label.name, label.value) }
        }
    }
}
