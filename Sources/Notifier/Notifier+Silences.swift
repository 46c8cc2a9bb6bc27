// Tollgate — Notifier: silences made, changed and expired through the API.

import Foundation
import Logging
import Model
public import Notify

extension Notifier {
    /// Creates or updates a silence with Alertmanager's rules, and writes it.
    /// - Returns: the silence's id (a new one when an update could not be made in place).
    /// - Throws: ``Notify/SilenceError`` naming what is wrong.
    public func setSilence(_ silence: Silence) async throws(SilenceError) -> String {
        let now = clock.now()
        let before = Set(silences.all.map(\.id))
        let id = try silences.set(silence, now: now, makeID: { UUID().uuidString.lowercased() })
        // An update that could not be made in place expired the old silence: write both.
        let changed = silences.all.filter { $0.id == id || $0.id == silence.id || !before.contains($0.id) }
        await persistSilences(changed)
        return id
    }

    /// Expires the silence `id` (a pending one is expired at once, an active one ends now).
    /// - Throws: ``Notify/SilenceError`` when there is no such silence or it has expired.
    public func expireSilence(_ id: String) async throws(SilenceError) {
        try silences.expire(id: id, now: clock.now())
        await persistSilences(silences.all.filter { $0.id == id })
    }

    /// The silence `id`, or nil.
    public func silence(_ id: String) -> Silence? { silences.silence(id) }

    /// Every silence held.
    public var allSilences: [Silence] { silences.all }

    private func persistSilences(_ changed: [Silence]) async {
        do {
            try await database?.saveSilences(changed)
        } catch {
            logger.error("cannot write silences to the notifier's state", metadata: ["error": "\(error)"])
        }
    }
}
