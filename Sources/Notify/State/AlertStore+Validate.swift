// Tollgate — Notify: Alertmanager's check of a posted alert (`types.Alert.Validate`).

import Model

extension AlertStore {
    /// Which label names an alert may carry.
    public enum LabelNames: Sendable {
        /// Any non-empty UTF-8 name: Alertmanager 0.27's default ("fallback") and
        /// `utf8-strict-mode` (`compat.IsValidLabelName` → `isValidUTF8LabelName`).
        case utf8
        /// `[a-zA-Z_][a-zA-Z0-9_]*`: Alertmanager with `--enable-feature=classic-mode`, and
        /// every version before 0.27.
        case classic
    }

    /// Alertmanager's check of an alert after the API handler's defaults
    /// (``prepare(_:now:resolveTimeout:)``), with its messages.
    ///
    /// Label values are never invalid here: Go only requires valid UTF-8, which a Swift
    /// `String` always is. With several invalid names, the first in byte order is named
    /// (Go names whichever its map yields first).
    /// - Parameters:
    ///   - alert: the prepared alert.
    ///   - names: the label name rule; `.utf8` is Alertmanager 0.27's default.
    /// - Returns: nil when valid, else the message (`start time missing`,
    ///   `start time must be before end time`, `at least one label pair required`,
    ///   `invalid label set: invalid name "…"`, `invalid annotations: invalid name "…"`).
    public static func validate(_ alert: NotifierAlert, names: LabelNames = .utf8) -> String? {
        if alert.startsAt == 0 { return "start time missing" }
        if alert.endsAt != 0 && alert.endsAt < alert.startsAt { return "start time must be before end time" }
        if alert.labels.isEmpty { return "at least one label pair required" }
        if let bad = alert.labels.first(where: { !isValidName($0.name, names) }) {
            return "invalid label set: invalid name \(GoString.quote(bad.name))"
        }
        if let bad = alert.annotations.first(where: { !isValidName($0.name, names) }) {
            return "invalid annotations: invalid name \(GoString.quote(bad.name))"
        }
        return nil
    }

    /// Whether a label name is valid under the rule.
    static func isValidName(_ name: String, _ rule: LabelNames) -> Bool {
        switch rule {
        case .utf8: !name.isEmpty
        case .classic: SeriesText.isLegacyLabelName(name)
        }
    }
}
