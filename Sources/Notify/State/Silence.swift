// Tollgate — Notify: one silence (Alertmanager's `silencepb.Silence`).

public import Model

/// A silence: alerts whose labels satisfy every matcher are muted between ``startsAt`` and
/// ``endsAt``. Times are milliseconds since the Unix epoch.
public struct Silence: Sendable, Equatable {
    /// The silence's id (a UUID, lowercase, as Alertmanager makes them).
    public var id: String
    /// The matchers, all of which an alert's labels must satisfy.
    public var matchers: [LabelMatcher]
    /// When the silence starts muting.
    public var startsAt: Int64
    /// When it stops muting.
    public var endsAt: Int64
    /// When it was last changed.
    public var updatedAt: Int64
    /// Who made it.
    public var createdBy: String
    /// Why.
    public var comment: String

    /// Creates a silence.
    public init(id: String, matchers: [LabelMatcher], startsAt: Int64, endsAt: Int64, updatedAt: Int64, createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// A silence's state (`types.SilenceState`).
    public enum State: String, Sendable, Equatable {
        /// `startsAt` is still to come.
        case pending
        /// Muting now.
        case active
        /// `endsAt` has passed.
        case expired
    }

    /// The state at `now`, as Alertmanager computes it (`CalcSilenceState`).
    public func state(at now: Int64) -> State {
        if now < startsAt { return .pending }
        if endsAt <= now { return .expired }
        return .active
    }

    /// Two silences are equal when every field is, matchers compared by name, kind and value.
    public static func == (a: Silence, b: Silence) -> Bool {
        a.id == b.id && a.startsAt == b.startsAt && a.endsAt == b.endsAt && a.updatedAt == b.updatedAt
            && a.createdBy == b.createdBy && a.comment == b.comment
            && a.matchers.map { [$0.name, $0.kind.rawValue, $0.value] } == b.matchers.map { [$0.name, $0.kind.rawValue, $0.value] }
    }

    /// Whether the silence's matchers all hold for `labels` (a missing label is the empty value).
    public func matches(_ labels: Labels) -> Bool { labels.matches(matchers) }
}
