// Tollgate — Notify: the notifier's silences (Alertmanager's `silence.Silences` with the checks
// of `POST /api/v2/silences`), as a value type.

public import Model

/// Why a silence could not be set or expired. ``description`` is the text Alertmanager
/// answers with.
public enum SilenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The silence is invalid (HTTP 400); the message is Alertmanager's.
    case invalid(String)
    /// No silence has the id (HTTP 404): `silence not found`.
    case notFound
    /// Expiring a silence that has already expired (Alertmanager 0.27 answers 500).
    case alreadyExpired(id: String)
    /// A limit refused the silence (HTTP 400, as Alertmanager answers): `reason` is its
    /// label in Tollgate's rejection counter, the message Alertmanager's.
    case limit(reason: String, message: String)

    /// Alertmanager's text.
    public var description: String {
        switch self {
        case .invalid(let message): message
        case .notFound: "silence not found"
        case .alreadyExpired(let id): "silence \(id) already expired"
        case .limit(_, let message): message
        }
    }
}

/// The silences, by id, with Alertmanager's rules for creating, updating and expiring them.
///
/// ``version`` changes on every change of the set (Alertmanager bumps its version only when a
/// silence is added; changing more often is safe for caches keyed by it). A cache of which
/// silences match an alert is valid while the version is unchanged, except that pending
/// silences become active with time alone: keep the pending ids too
/// (``matching(_:now:)``) and re-check their states, as Alertmanager's `Silencer.Mutes` does.
public struct SilenceStore: Sendable {
    /// Alertmanager's default `--data.retention`: silences are kept 120h after they end.
    public static let defaultRetention: Int64 = 120 * 3_600_000

    private var byID: [String: Silence] = [:]
    /// Changes on every mutation.
    public private(set) var version = 0
    /// Alertmanager's `--silences.max-silences` and `--silences.max-silence-size-bytes`.
    public var limits = SilenceLimits()

    /// An empty store.
    public init() {}

    /// The number of silences held, expired ones included.
    public var count: Int { byID.count }

    /// The silence with this id, if held.
    public func silence(_ id: String) -> Silence? { byID[id] }

    /// Every silence held, ordered by id.
    public var all: [Silence] { byID.values.sorted { $0.id < $1.id } }

    /// Creates or updates a silence (`POST /api/v2/silences`, then `Silences.Set`).
    ///
    /// Checks, in Alertmanager's order: start before end, end not in the past (the API
    /// handler's checks), then a missing start (0) becomes `now`, then `validateSilence`
    /// (matchers present, valid names, not all matching the empty string, end not before
    /// start), then an unknown non-empty id is ``SilenceError/notFound``. An existing silence
    /// is changed in place when `canUpdate` allows (same matchers; an active one keeps its
    /// start and does not end in the past; a pending one does not start in the past);
    /// otherwise a new silence is made (its start not before `now`) and the old one, unless
    /// already expired, is expired.
    /// - Parameters:
    ///   - silence: the silence as posted; an empty ``Silence/id`` creates a new one.
    ///   - now: the time of the request.
    ///   - makeID: makes the id of a new silence (Alertmanager uses a random UUID v4).
    /// - Returns: the id of the silence now holding the posted content.
    /// - Throws: ``SilenceError``.
    @discardableResult
    public mutating func set(_ silence: Silence, now: Int64, makeID: () -> String) throws(SilenceError) -> String {
        var silence = silence
        if silence.startsAt >= silence.endsAt {
            throw .invalid("Failed to create silence: start time must be before end time")
        }
        if silence.endsAt < now {
            throw .invalid("Failed to create silence: end time can't be in the past")
        }
        if silence.startsAt == 0 { silence.startsAt = now }
        if let problem = Self.validate(silence) { throw .invalid("invalid silence: \(problem)") }

        let previous = byID[silence.id]
        if !silence.id.isEmpty && previous == nil { throw .notFound }
        let size = SilenceLimits.size(of: silence)
        if limits.maxSilenceSizeBytes > 0, size > limits.maxSilenceSizeBytes {
            throw .limit(
                reason: "max_silence_bytes", message: "silence exceeded maximum size: \(size) bytes (limit: \(limits.maxSilenceSizeBytes) bytes)")
        }
        if let previous, Self.canUpdate(previous, to: silence, now: now) {
            silence.updatedAt = now
            byID[silence.id] = silence
            version += 1
            return silence.id
        }
        // A new silence, or one replacing another: the count is checked (expired ones do not count).
        let held = byID.values.count { Self.state($0, at: now) != .expired }
        if limits.maxSilences > 0, held >= limits.maxSilences {
            throw .limit(reason: "max_silences", message: "exceeded maximum number of silences: \(held) (limit: \(limits.maxSilences))")
        }
        silence.id = makeID()
        if silence.startsAt < now { silence.startsAt = now }
        silence.updatedAt = now
        if let previous, Self.state(previous, at: now) != .expired {
            byID[previous.id] = Self.expired(previous, now: now)
        }
        byID[silence.id] = silence
        version += 1
        return silence.id
    }

    /// Expires a silence now (`Silences.Expire`): an active one ends now; a pending one starts
    /// and ends now.
    /// - Parameters:
    ///   - id: the silence's id.
    ///   - now: the time of the request.
    /// - Throws: ``SilenceError/notFound``, or ``SilenceError/alreadyExpired(id:)``.
    public mutating func expire(id: String, now: Int64) throws(SilenceError) {
        guard let silence = byID[id] else { throw .notFound }
        if Self.state(silence, at: now) == .expired { throw .alreadyExpired(id: id) }
        byID[id] = Self.expired(silence, now: now)
        version += 1
    }

    /// The ids of the active silences whose matchers all hold for `labels`, sorted.
    /// - Parameters:
    ///   - labels: the alert's labels (a missing label is "").
    ///   - now: the time that decides which silences are active.
    public func mutes(_ labels: Labels, now: Int64) -> [String] {
        matching(labels, now: now).active
    }

    /// The active and the pending silences matching `labels`, each sorted by id (what
    /// Alertmanager's marker keeps per alert).
    /// - Parameters:
    ///   - labels: the alert's labels.
    ///   - now: the time that decides the states.
    public func matching(_ labels: Labels, now: Int64) -> (active: [String], pending: [String]) {
        var active: [String] = [], pending: [String] = []
        for silence in byID.values {
            let state = Self.state(silence, at: now)
            guard state != .expired, silence.matches(labels) else { continue }
            if state == .active { active.append(silence.id) } else { pending.append(silence.id) }
        }
        return (active.sorted(), pending.sorted())
    }

    /// Of the given ids, those of silences active at `now`, sorted (the fast path of
    /// Alertmanager's `Silencer.Mutes` when the version has not changed).
    public func active(among ids: [String], now: Int64) -> [String] {
        ids.filter { state(of: $0, at: now) == .active }.sorted()
    }

    /// Drops silences that ended `retention` or longer ago (Alertmanager's GC: `endsAt +
    /// retention <= now`).
    /// - Parameters:
    ///   - now: the time of the collection.
    ///   - retention: how long ended silences are kept, milliseconds.
    /// - Returns: the ids dropped, sorted.
    @discardableResult
    public mutating func collectGarbage(now: Int64, retention: Int64 = SilenceStore.defaultRetention) -> [String] {
        let gone = byID.values.filter { $0.endsAt + retention <= now }.map(\.id).sorted()
        guard !gone.isEmpty else { return [] }
        for id in gone { byID[id] = nil }
        version += 1
        return gone
    }

    /// Replaces the whole state with persisted silences, taken as they are.
    public mutating func restore(_ silences: [Silence]) {
        byID = Dictionary(silences.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        version += 1
    }

    // MARK: - Alertmanager's rules

    /// A silence's state as the store sees it (see ``state(_:at:)``), nil when unknown.
    public func state(of id: String, at now: Int64) -> Silence.State? {
        byID[id].map { Self.state($0, at: now) }
    }

    /// A silence's state as `silence.go`'s `getState` computes it for setting, expiring and
    /// muting: pending before `startsAt`, expired after `endsAt`, active in between with both
    /// ends included. (``Silence/state(at:)``, the API's `CalcSilenceState`, already calls a
    /// silence expired at `endsAt`; the two differ only in that millisecond.)
    public static func state(_ silence: Silence, at now: Int64) -> Silence.State {
        if now < silence.startsAt { return .pending }
        if now > silence.endsAt { return .expired }
        return .active
    }


    /// `validateSilence`'s message for an invalid silence, or nil.
    static func validate(_ silence: Silence) -> String? {
        if silence.matchers.isEmpty { return "at least one matcher required" }
        var allMatchEmpty = true
        for (index, matcher) in silence.matchers.enumerated() {
            if matcher.name.isEmpty {
                return "invalid label matcher \(index): invalid label name \(GoString.quote(matcher.name))"
            }
            allMatchEmpty = allMatchEmpty && matchesEmpty(matcher)
        }
        if allMatchEmpty { return "at least one matcher must not match the empty string" }
        if silence.startsAt == 0 { return "invalid zero start timestamp" }
        if silence.endsAt == 0 { return "invalid zero end timestamp" }
        if silence.endsAt < silence.startsAt { return "end time must not be before start time" }
        return nil
    }

    /// Alertmanager's `matchesEmpty` for silences: only `=` with an empty value and `=~`
    /// matching "" count; `!=` and `!~` never do, even when they would select a missing label.
    static func matchesEmpty(_ matcher: LabelMatcher) -> Bool {
        switch matcher.kind {
        case .equal: matcher.value.isEmpty
        case .regex: matcher.matches("")
        case .notEqual, .notRegex: false
        }
    }

    /// `canUpdate`: whether `new` may replace `old` in place without rewriting history.
    static func canUpdate(_ old: Silence, to new: Silence, now: Int64) -> Bool {
        let same = old.matchers.count == new.matchers.count
            && zip(old.matchers, new.matchers).allSatisfy { $0.name == $1.name && $0.kind == $1.kind && $0.value == $1.value }
        guard same else { return false }
        switch state(old, at: now) {
        case .active: return new.startsAt == old.startsAt && new.endsAt >= now
        case .pending: return new.startsAt >= now
        case .expired: return false
        }
    }

    /// The silence expired at `now`.
    static func expired(_ silence: Silence, now: Int64) -> Silence {
        var silence = silence
        if state(silence, at: now) == .pending { silence.startsAt = now }
        silence.endsAt = now
        silence.updatedAt = now
        return silence
    }
}
