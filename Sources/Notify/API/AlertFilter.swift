// Tollgate — Notify: the query parameters of `GET /api/v2/alerts`, `/alerts/groups` and `/silences`.

public import Model

/// What `GET /api/v2/alerts` (and `/alerts/groups`, `/silences`) select, read from the
/// query as go-openapi binds it and applied as Alertmanager's handlers apply it.
///
/// - `active`, `silenced`, `inhibited`, `unprocessed`: booleans (go-openapi's: `true`, `1`,
///   `yes`, `y`, `t`, `on`, `ok`, … are true, anything else false; absent or empty is
///   true; the last value counts). `unprocessed` is read but, as in Alertmanager's v2
///   handlers, selects nothing.
/// - `filter`: repeated, each one matcher in Alertmanager's syntax (classic, or 0.27's
///   UTF-8 form), e.g. `alertname="HighLatency"`; a bad one is a 400 with the parser's text.
/// - `receiver`: a regular expression anchored as `^(?:re)$`; a bad one is a 400
///   `failed to parse receiver param: …`.
public struct AlertFilter: Sendable {
    /// Whether active alerts are shown.
    public var active = true
    /// Whether silenced alerts are shown.
    public var silenced = true
    /// Whether inhibited alerts are shown.
    public var inhibited = true
    /// Whether unprocessed alerts are shown (read, not applied, as in Alertmanager).
    public var unprocessed = true
    /// The `filter` matchers.
    public var matchers: [LabelMatcher] = []
    /// The `receiver` regex, anchored.
    public var receiver: AnchoredRegex?

    /// A filter that admits every alert that is not resolved.
    public init() {}

    /// The filter of a query.
    /// - Parameter query: the decoded query items, in order.
    /// - Returns: the filter, or the 400 Alertmanager answers.
    public static func parse(_ query: [(String, String)]) -> Result<AlertFilter, APIv2Error> {
        var filter = AlertFilter()
        func last(_ name: String) -> String? { query.last { $0.0 == name }?.1 }
        func flag(_ name: String) -> Bool {
            guard let raw = last(name), !raw.isEmpty else { return true }
            return trueWords.contains(raw.lowercased())
        }
        filter.active = flag("active")
        filter.silenced = flag("silenced")
        filter.inhibited = flag("inhibited")
        filter.unprocessed = flag("unprocessed")
        for (name, value) in query where name == "filter" {
            do {
                filter.matchers.append(try AlertmanagerMatchers.parseMatcher(value))
            } catch {
                return .failure(.badRequest(error.description))
            }
        }
        if let receiver = last("receiver"), !receiver.isEmpty {
            do {
                filter.receiver = try AnchoredRegex("^(?:" + receiver + ")$")
            } catch {
                return .failure(.badRequest("failed to parse receiver param: \(error.description)"))
            }
        }
        return .success(filter)
    }

    /// go-openapi's words for true (`swag.ConvertBool`).
    static let trueWords: Set<String> = ["true", "1", "yes", "ok", "y", "on", "selected", "checked", "t", "enabled"]

    /// Whether `GET /api/v2/alerts` shows an alert: one of its receivers matches `receiver`,
    /// it is not resolved at `now`, its status passes the flags, and its labels pass `filter`.
    public func admits(_ alert: NotifierAlert, status: AlertStatus, receivers: [String], now: Int64) -> Bool {
        if let receiver, !receivers.contains(where: { receiver.matches($0) }) { return false }
        return admits(alert, status: status, now: now)
    }

    /// Whether an alert passes the flags and `filter` (the groups endpoint's alert filter;
    /// it checks the receiver on the group's route instead, with ``admitsReceiver(_:)``).
    public func admits(_ alert: NotifierAlert, status: AlertStatus, now: Int64) -> Bool {
        if alert.endsAt != 0, alert.endsAt < now { return false }
        if !active, status.state == .active { return false }
        if !silenced, !status.silencedBy.isEmpty { return false }
        if !inhibited, !status.inhibitedBy.isEmpty { return false }
        return matchesFilter(alert.labels)
    }

    /// Whether a route's receiver matches `receiver` (true without one).
    public func admitsReceiver(_ name: String) -> Bool { receiver?.matches(name) ?? true }

    /// Alertmanager's `matchFilterLabels`: a matcher with an empty value is skipped when
    /// its label is absent (`=`, `=~`) or present (`!=`, `!~`); otherwise the label's value
    /// ("" when absent) must match.
    public func matchesFilter(_ labels: Labels) -> Bool {
        for matcher in matchers {
            let value = labels[matcher.name]
            switch matcher.kind {
            case .notEqual, .notRegex:
                if matcher.value.isEmpty, value != nil { continue }
            case .equal, .regex:
                if matcher.value.isEmpty, value == nil { continue }
            }
            if !matcher.matches(value ?? "") { return false }
        }
        return true
    }

    /// Whether `GET /api/v2/silences` shows a silence: every `filter` matcher is one of the
    /// silence's (same name, operator and value), as `CheckSilenceMatchesFilterLabels` asks.
    public func admits(_ silence: Silence) -> Bool {
        matchers.allSatisfy { wanted in
            silence.matchers.contains { $0.name == wanted.name && $0.kind == wanted.kind && $0.value == wanted.value }
        }
    }
}
