// Tollgate — Notifier: one aggregation group's flush, Alertmanager's notification pipeline.

import Logging
import Model
import Notify

extension Notifier {
    /// Runs Alertmanager's pipeline for one group at its time (Notify's ``FlushPlan``):
    /// the route's time intervals, inhibitions and silences (recorded in the marker), then
    /// for each of the receiver's integrations at once, deduplication against the
    /// notification log, sending with retries until the group's deadline, and logging what
    /// was sent. Resolved alerts leave the group only when every integration succeeded.
    func flush(_ flush: GroupFlush) async {
        let plan = FlushPlan(
            flush: flush, muted: { alert in self.mutes(alert, now: flush.now) },
            inTimeIntervals: { names, now in self.intervals.any(of: names, at: now) })
        let steps = (config.receivers[flush.receiver] ?? []).map { (integration: $0, plan: plan.integration($0, log: log)) }
        // Alertmanager gives a flush the group interval (at least 10 s) to finish, retries included.
        let deadline = flush.now + max(flush.options.groupInterval.milliseconds, 10_000)
        let context = flush.context, deliver = deliver
        let outcomes = await withTaskGroup(of: (Int, SendOutcome).self) { group in
            for (position, step) in steps.enumerated() where step.plan.action == .send {
                group.addTask { (position, await deliver(step.integration, context, step.plan.alerts, deadline)) }
            }
            var outcomes: [Int: SendOutcome] = [:]
            for await (position, outcome) in group { outcomes[position] = outcome }
            return outcomes
        }
        var succeeded = true
        var written: [NotificationLogEntry] = []
        for (position, step) in steps.enumerated() {
            if case .failed(let reason, _) = outcomes[position] {
                succeeded = false
                logger.error(
                    "notify for alerts failed",
                    metadata: [
                        "receiver": "\(flush.receiver)", "integration": "\(step.integration.kind)[\(step.integration.index)]",
                        "aggrGroup": "\(flush.groupKey)", "num_alerts": "\(step.plan.alerts.count)", "err": "\(reason)",
                    ])
                continue
            }
            if let entry = step.plan.record(in: &log, now: clock.now()) { written.append(entry) }
        }
        await persist(written)
        dispatch.flushed(flush, succeeded: succeeded)
    }

    /// Whether an inhibition or a silence mutes the alert at `now` (Alertmanager's two mute
    /// stages); the marker records what mutes it, for the API.
    func mutes(_ alert: NotifierAlert, now: Int64) -> Bool {
        let fingerprint = alert.fingerprint
        let inhibited = marker.applyInhibitions(alert.labels, fingerprint: fingerprint, inhibitor: inhibitor, now: now)
        let silenced = marker.applySilences(alert.labels, fingerprint: fingerprint, silences: silences, now: now)
        return inhibited || silenced
    }

    /// The alert's status now, as `GET /api/v2/alerts` shows it (Alertmanager sets it
    /// afresh for each alert it lists).
    func statusNow(_ alert: NotifierAlert, now: Int64) -> AlertStatus {
        _ = mutes(alert, now: now)
        return marker.status(alert.fingerprint)
    }

    private func persist(_ entries: [NotificationLogEntry]) async {
        guard let database, !entries.isEmpty else { return }
        do {
            try await database.saveLog(
                entries.map { (key: $0.key.description, entry: NotificationLogCodec.encode($0), expiresAt: $0.expiresAt) }, now: clock.now())
        } catch {
            logger.error("cannot write the notification log", metadata: ["error": "\(error)"])
        }
    }
}
