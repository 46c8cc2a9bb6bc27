// Tollgate — Notify: one alert as the notifier holds it (Alertmanager's `types.Alert`).

public import Model

/// An alert the notifier holds: what a client posted (`POST /api/v2/alerts`) or a rule
/// group handed over, merged by fingerprint as Alertmanager merges it.
///
/// Times are milliseconds since the Unix epoch. An `endsAt` of 0 means the client did not
/// set one; the store then gives it `now + resolve_timeout` and marks ``timeout``.
public struct NotifierAlert: Sendable, Equatable {
    /// The labels (the alert's identity).
    public var labels: Labels
    /// The annotations.
    public var annotations: Labels
    /// When the alert started.
    public var startsAt: Int64
    /// When the alert ends or ended (0: not set by the client).
    public var endsAt: Int64
    /// When the store last took a version of this alert.
    public var updatedAt: Int64
    /// The link back to what generated the alert.
    public var generatorURL: String
    /// Whether ``endsAt`` was set by the store's `resolve_timeout`, not by the client.
    public var timeout: Bool

    /// Creates an alert.
    public init(labels: Labels, annotations: Labels = Labels(), startsAt: Int64, endsAt: Int64 = 0, updatedAt: Int64 = 0, generatorURL: String = "", timeout: Bool = false) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.generatorURL = generatorURL
        self.timeout = timeout
    }

    /// Alertmanager's fingerprint of the labels: FNV-1a 64 over the names in byte order,
    /// each name and value followed by the separator byte 0xFF (`LabelSet.Fingerprint`).
    public var fingerprint: UInt64 { Self.fingerprint(labels) }

    /// The fingerprint of a label set.
    public static func fingerprint(_ labels: Labels) -> UInt64 {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for label in labels {
            for byte in label.name.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            hash = (hash ^ 0xFF) &* 1_099_511_628_211
            for byte in label.value.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            hash = (hash ^ 0xFF) &* 1_099_511_628_211
        }
        return hash
    }

    /// A fingerprint as Alertmanager prints it: 16 lowercase hex digits.
    public static func hex(_ fingerprint: UInt64) -> String {
        let digits = String(fingerprint, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Whether the alert is resolved at `now` (`endsAt` set and not after `now`).
    public func resolved(at now: Int64) -> Bool { endsAt != 0 && endsAt <= now }
}
