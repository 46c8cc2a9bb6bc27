// Tollgate — Notifier: one aggregation group's flush, Alertmanager's notification pipeline.

import Model
import Notify

extension Notifier {
    /// Runs Alertmanager's pipeline for one group at its time: inhibition, the route's
    /// active and mute time intervals, silences; then, for each of the receiver's
    /// integrations, deduplication against the notification log, sending with retries until
    /// the group's deadline, and logging what was sent. Resolved alerts leave the group only
    /// when every integration succeeded.
    func flush(_ flush: GroupFlush) async {
        let now = clock.now()
        let kept = flush.alerts.filter { !mutedNow($0, now: now) }
        let options = flush.options
        let outOfTime =
            (!options.activeTimeIntervals.isEmpty && !intervals.any(of: options.activeTimeIntervals, at: now))
            || intervals.any(of: options.muteTimeIntervals, at: now)
        guard !kept.isEmpty, !outOfTime else {
            dispatch.flushed(flush, succeeded: true)
            flushing.remove(flush.groupKey)
            return
        }
        let firing = Set(kept.lazy.filter { !$0.resolved(at: now) }.map(\.fingerprint))
        let resolved = Set(kept.lazy.filter { $0.resolved(at: now) }.map(\.fingerprint))
        let context = NotificationContext(
            receiver: flush.receiver, groupKey: flush.groupKey, groupLabels: flush.groupLabels,
            repeatInterval: options.repeatInterval.milliseconds, now: now)
        // Alertmanager gives a flush the group interval (at least 10 s) to finish, retries included.
        let deadline = now + max(options.groupInterval.milliseconds, 10_000)
        var due: [any Integration] = []
        for integration in config.receivers[flush.receiver] ?? [] {
            let entry = log.entry(groupKey: flush.groupKey, receiver: flush.receiver, integration: integration.kind, index: integration.index)
            if NotificationLog.needsUpdate(
                entry: entry, firing: firing, resolved: resolved, sendResolved: integration.sendResolved,
                repeatInterval: options.repeatInterval.milliseconds, now: now)
            {
                due.append(integration)
            }
        }
        let deliver = deliver
        let outcomes = await withTaskGroup(of: (Int, SendOutcome).self) { group in
            for (position, integration) in due.enumerated() {
                let alerts = integration.sendResolved ? kept : kept.filter { !$0.resolved(at: now) }
                group.addTask {
                    guard !alerts.isEmpty else { return (position, .sent) }
                    return (position, await deliver(integration, context, alerts, deadline))
                }
            }
            var outcomes: [Int: SendOutcome] = [:]
            for await (position, outcome) in group { outcomes[position] = outcome }
            return outcomes
        }
        var succeeded = true
        var written: [NotificationLogEntry] = []
        for (position, integration) in due.enumerated() {
            guard case .sent = outcomes[position] ?? .failed(reason: "not run", retry: false) else {
                succeeded = false
                if case .failed(let reason, _) = outcomes[position] {
                    logger.error(
                        "notify for alerts failed",
                        metadata: ["receiver": "\(flush.receiver)", "integration": "\(integration.kind)[\(integration.index)]", "aggrGroup": "\(flush.groupKey)", "err": "\(reason)"])
                }
                continue
            }
            written.append(
                log.log(
                    groupKey: flush.groupKey, receiver: flush.receiver, integration: integration.kind, index: integration.index,
                    firing: firing, resolved: resolved, now: clock.now(), retention: Self.retention))
        }
        await persist(written)
        dispatch.flushed(flush, succeeded: succeeded)
        flushing.remove(flush.groupKey)
    }

    /// Whether an alert is inhibited or silenced now; the marker keeps the answer for the API.
    func mutedNow(_ alert: NotifierAlert, now: Int64) -> Bool {
        let status = statusNow(alert, now: now)
        return status.state == .suppressed
    }

    /// The alert's status now (what mutes it), recorded in the marker.
    func statusNow(_ alert: NotifierAlert, now: Int64) -> AlertStatus {
        let fingerprint = alert.fingerprint
        let inhibitors = inhibitor.inhibitors(of: alert.labels, now: now)
        let silencers = silences.mutes(alert.labels, now: now)
        marker.setInhibited(fingerprint, ids: inhibitors.map(NotifierAlert.hex))
        marker.setSilenced(fingerprint, ids: silencers)
        return marker.status(fingerprint)
    }

    private func persist(_ entries: [NotificationLogEntry]) async {
        guard let database, !entries.isEmpty else { return }
        do {
            try await database.saveLog(
                entries.map { (key: NotificationLogCodec.key($0), entry: NotificationLogCodec.encode($0), expiresAt: $0.expiresAt) },
                now: clock.now())
        } catch {
            logger.error("cannot write the notification log", metadata: ["error": "\(error)"])
        }
    }
}
