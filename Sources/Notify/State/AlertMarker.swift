// Tollgate — Notify: each alert's status (Alertmanager's `types.MemMarker`), and the silencing
// and inhibiting steps that keep it (`Silencer.Mutes`, `Inhibitor.Mutes`).

public import Model

/// Fingerprint → ``AlertStatus``, with Alertmanager's state rules: an alert is suppressed
/// while any silence or any inhibiting alert is recorded for it, active otherwise, and
/// unprocessed while unknown.
public struct AlertMarker: Sendable {
    private var statuses: [UInt64: Entry] = [:]

    /// A status plus what the silence step caches (`pendingSilences`, `silencesVersion`).
    struct Entry: Sendable {
        var status = AlertStatus(state: .active)
        var pendingSilences: [String] = []
        var silencesVersion: Int?
    }

    /// An empty marker.
    public init() {}

    /// The status of an alert: ``AlertStatus/State/unprocessed`` with no ids when unknown.
    public func status(_ fingerprint: UInt64) -> AlertStatus {
        statuses[fingerprint]?.status ?? AlertStatus()
    }

    /// Marks an alert processed with nothing muting it.
    public mutating func setActive(_ fingerprint: UInt64) {
        statuses[fingerprint] = Entry()
    }

    /// Records the active silences muting an alert (replacing earlier ones), keeping its inhibitors.
    /// - Parameters:
    ///   - fingerprint: the alert.
    ///   - ids: the active silences' ids (stored sorted).
    ///   - pending: the pending silences that match it, for ``silenceCache(_:)``.
    ///   - version: the ``SilenceStore/version`` the ids were computed at.
    public mutating func setSilenced(_ fingerprint: UInt64, ids: [String], pending: [String] = [], version: Int? = nil) {
        var entry = statuses[fingerprint] ?? Entry()
        entry.status.silencedBy = ids.sorted()
        entry.pendingSilences = pending.sorted()
        entry.silencesVersion = version
        entry.status.state = Self.state(entry.status)
        statuses[fingerprint] = entry
    }

    /// Records the alerts inhibiting an alert (replacing earlier ones), keeping its silences.
    /// - Parameters:
    ///   - fingerprint: the alert.
    ///   - ids: the inhibiting alerts' fingerprints (stored as 16 hex digits, sorted).
    public mutating func setInhibited(_ fingerprint: UInt64, ids: [UInt64]) {
        var entry = statuses[fingerprint] ?? Entry()
        entry.status.inhibitedBy = ids.sorted().map(NotifierAlert.hex)
        entry.status.state = Self.state(entry.status)
        statuses[fingerprint] = entry
    }

    /// What the silence step last recorded for an alert: active and pending ids and the
    /// silences' version; nil when it never ran for the alert.
    public func silenceCache(_ fingerprint: UInt64) -> (active: [String], pending: [String], version: Int)? {
        guard let entry = statuses[fingerprint], let version = entry.silencesVersion else { return nil }
        return (entry.status.silencedBy, entry.pendingSilences, version)
    }

    /// Forgets an alert.
    public mutating func delete(_ fingerprint: UInt64) {
        statuses[fingerprint] = nil
    }

    /// How many alerts are in a state (all known alerts when nil).
    public func count(_ state: AlertStatus.State? = nil) -> Int {
        guard let state else { return statuses.count }
        return statuses.values.filter { $0.status.state == state }.count
    }

    /// `suppressed` when anything mutes the alert, else `active`.
    static func state(_ status: AlertStatus) -> AlertStatus.State {
        status.silencedBy.isEmpty && status.inhibitedBy.isEmpty ? .active : .suppressed
    }

    // MARK: - The muting steps

    /// Alertmanager's `Silencer.Mutes`: finds the active silences muting an alert and records
    /// them. While the silences' version is the one cached for the alert, only the cached
    /// active and pending silences are re-checked (a pending one may have become active);
    /// otherwise every silence is matched.
    /// - Parameters:
    ///   - labels: the alert's labels.
    ///   - fingerprint: the alert's fingerprint.
    ///   - silences: the silences.
    ///   - now: the time of the check.
    /// - Returns: whether the alert is silenced.
    @discardableResult
    public mutating func applySilences(_ labels: Labels, fingerprint: UInt64, silences: SilenceStore, now: Int64) -> Bool {
        if let cache = silenceCache(fingerprint), cache.version == silences.version {
            if cache.active.isEmpty && cache.pending.isEmpty { return false }
            var active: [String] = [], pending: [String] = []
            for id in cache.active + cache.pending {
                switch silences.state(of: id, at: now) {
                case .active: active.append(id)
                case .pending: pending.append(id)
                case .expired, nil: break
                }
            }
            setSilenced(fingerprint, ids: active, pending: pending, version: cache.version)
            return !active.isEmpty
        }
        let found = silences.matching(labels, now: now)
        setSilenced(fingerprint, ids: found.active, pending: found.pending, version: silences.version)
        return !found.active.isEmpty
    }

    /// Alertmanager's `Inhibitor.Mutes`: finds the alerts inhibiting an alert and records them.
    /// - Parameters:
    ///   - labels: the alert's labels.
    ///   - fingerprint: the alert's fingerprint.
    ///   - inhibitor: the inhibitor, fed with the stored alerts.
    ///   - now: the time of the check.
    ///   - all: record every inhibiting alert (true) or only the first, as Alertmanager does.
    /// - Returns: whether the alert is inhibited.
    @discardableResult
    public mutating func applyInhibitions(_ labels: Labels, fingerprint: UInt64, inhibitor: Inhibitor, now: Int64, all: Bool = false) -> Bool {
        let ids = all ? inhibitor.inhibitors(of: labels, now: now) : inhibitor.firstInhibitor(of: labels, now: now).map { [$0] } ?? []
        setInhibited(fingerprint, ids: ids)
        return !ids.isEmpty
    }
}
