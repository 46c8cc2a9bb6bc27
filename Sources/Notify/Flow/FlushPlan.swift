// Tollgate — Notify: what a flush sends through each integration (Alertmanager's notification pipeline stages).

/// The notification pipeline for one flush, up to the integrations: Alertmanager's
/// `MultiStage{GossipSettle, Mute(inhibitor), TimeActive, TimeMute, Mute(silencer),
/// Fanout{Wait, Dedup, Retry, SetNotifies per integration}}`, without the sending.
///
/// The runtime builds one plan per ``GroupFlush``, then, for each integration of the
/// receiver, asks ``integration(kind:index:sendResolved:log:)`` what to do:
/// ```swift
/// let plan = FlushPlan(flush: flush, muted: isMuted, inTimeIntervals: timeIntervalsContain)
/// var ok = true
/// for integration in integrations {
///     let step = plan.integration(integration, log: nflog)
///     switch step.action {
///     case .skip: continue
///     case .logOnly: step.record(in: &nflog, now: now)
///     case .send:
///         if await send(integration, flush.context, step.alerts) { step.record(in: &nflog, now: now) } else { ok = false }
///     }
/// }
/// dispatch.flushed(flush, succeeded: ok)
/// ```
/// `max_alerts` (webhook) is the sender's business: see ``truncated(_:maxAlerts:)``.
public struct FlushPlan: Sendable, Equatable {
    /// Why a flush sends nothing at all.
    public enum Suppression: String, Sendable, Equatable {
        /// The route has `active_time_intervals` and none contains the flush time (`TimeActiveStage`).
        case activeTimeInterval = "active_time_interval"
        /// One of the route's `mute_time_intervals` contains the flush time (`TimeMuteStage`).
        case muteTimeInterval = "mute_time_interval"
        /// Every alert is muted by a silence or an inhibition (`MuteStage`).
        case allMuted = "muted"
    }

    /// The group key.
    public var groupKey: String
    /// The receiver's name.
    public var receiver: String
    /// The flush time, milliseconds.
    public var now: Int64
    /// The route's `repeat_interval`, milliseconds.
    public var repeatInterval: Int64
    /// The alerts that reach the integrations: the flush's alerts less the muted ones
    /// (empty when suppressed), in the flush's order.
    public var alerts: [NotifierAlert]
    /// The alerts the `muted` closure removed (empty when the time intervals suppressed the flush first).
    public var muted: [NotifierAlert]
    /// Why nothing goes out, or nil.
    public var suppression: Suppression?
    /// The fingerprints of ``alerts`` firing at the flush, in order (the nflog's firing list).
    public var firing: [UInt64]
    /// The fingerprints of ``alerts`` resolved at the flush, in order.
    public var resolved: [UInt64]

    /// Runs the stages before the integrations.
    ///
    /// The time-interval stages come first here (Alertmanager checks inhibitions before
    /// them and silences after; the outcome is the same: nothing is sent): when the route
    /// has `active_time_intervals` none of which contains the flush time, or a
    /// `mute_time_intervals` entry contains it, nothing is sent and `muted` is not asked.
    /// - Parameters:
    ///   - flush: the flush.
    ///   - muted: whether an alert is silenced or inhibited now (the runtime's silences and inhibitor).
    ///   - inTimeIntervals: whether the flush time lies in any of the named time intervals.
    public init(flush: GroupFlush, muted: (NotifierAlert) -> Bool, inTimeIntervals: (_ names: [String], _ now: Int64) -> Bool) {
        groupKey = flush.groupKey
        receiver = flush.receiver
        now = flush.now
        repeatInterval = flush.repeatInterval
        self.muted = []
        firing = []
        resolved = []
        let active = flush.options.activeTimeIntervals
        let mute = flush.options.muteTimeIntervals
        if !active.isEmpty && !inTimeIntervals(active, flush.now) {
            suppression = .activeTimeInterval
            alerts = []
            return
        }
        if !mute.isEmpty && inTimeIntervals(mute, flush.now) {
            suppression = .muteTimeInterval
            alerts = []
            return
        }
        var kept: [NotifierAlert] = []
        for alert in flush.alerts {
            if muted(alert) { self.muted.append(alert) } else { kept.append(alert) }
        }
        alerts = kept
        suppression = kept.isEmpty ? .allMuted : nil
        for alert in kept {
            if alert.resolved(at: flush.now) { resolved.append(alert.fingerprint) } else { firing.append(alert.fingerprint) }
        }
    }

    /// What one integration does with the flush: the dedup stage against the log, then
    /// the retry stage's `send_resolved` filter.
    /// - Parameters:
    ///   - kind: the integration's kind (`webhook`, …).
    ///   - index: its position among the receiver's integrations of that kind.
    ///   - sendResolved: its `send_resolved`.
    ///   - log: the notification log.
    public func integration(kind: String, index: Int, sendResolved: Bool, log: NotificationLog) -> IntegrationPlan {
        let key = NotificationLogKey(groupKey: groupKey, receiver: receiver, integration: kind, index: index)
        guard suppression == nil else {
            return IntegrationPlan(key: key, decision: .noUpdate, action: .skip, alerts: [], firing: firing, resolved: resolved, expiry: 2 * repeatInterval)
        }
        let entry = log.entry(key)
        var decision = DedupDecision(
            entry: entry, firing: Set(firing), resolved: Set(resolved), sendResolved: sendResolved, repeatInterval: repeatInterval, now: now)
        // A log entry newer than the flush: the pipeline ran meanwhile; do nothing (DedupStage.Exec).
        if let entry, decision.notifies, entry.timestamp > now { decision = .noUpdate }
        let action: IntegrationPlan.Action
        var sent: [NotifierAlert] = []
        if !decision.notifies {
            action = .skip
        } else if sendResolved {
            action = .send
            sent = alerts
        } else if firing.isEmpty {
            // RetryStage: only resolved alerts and no send_resolved: nothing is sent, but
            // the notification is logged so the next dedup forgets the firing alerts.
            action = .logOnly
        } else {
            action = .send
            sent = alerts.filter { !$0.resolved(at: now) }
        }
        return IntegrationPlan(key: key, decision: decision, action: action, alerts: sent, firing: firing, resolved: resolved, expiry: 2 * repeatInterval)
    }

    /// What an ``Integration`` does with the flush.
    /// - Parameters:
    ///   - integration: the integration (its kind, index and `send_resolved`).
    ///   - log: the notification log.
    public func integration(_ integration: any Integration, log: NotificationLog) -> IntegrationPlan {
        self.integration(kind: integration.kind, index: integration.index, sendResolved: integration.sendResolved, log: log)
    }

    /// The webhook's `max_alerts` (`truncateAlerts`): the first `maxAlerts` alerts in the
    /// order given (no preference for firing ones) and how many were dropped (the
    /// payload's `truncatedAlerts`); 0 keeps every alert.
    /// - Parameters:
    ///   - alerts: the alerts, in the order they are sent.
    ///   - maxAlerts: the limit, 0 for none.
    public static func truncated(_ alerts: [NotifierAlert], maxAlerts: Int) -> (alerts: [NotifierAlert], truncated: Int) {
        guard maxAlerts > 0, alerts.count > maxAlerts else { return (alerts, 0) }
        return (Array(alerts.prefix(maxAlerts)), alerts.count - maxAlerts)
    }
}

/// What one integration does at one flush.
public struct IntegrationPlan: Sendable, Equatable {
    /// The step to take.
    public enum Action: Sendable, Equatable {
        /// Nothing: suppressed, or the log says nothing changed. Counts as success.
        case skip
        /// Send ``IntegrationPlan/alerts``; on success, ``IntegrationPlan/record(in:now:)``.
        case send
        /// Send nothing (only resolved alerts, no `send_resolved`) but record at once;
        /// counts as success.
        case logOnly
    }

    /// The log key (group and integration).
    public var key: NotificationLogKey
    /// The dedup verdict.
    public var decision: DedupDecision
    /// The step.
    public var action: Action
    /// The alerts to send (resolved ones dropped without `send_resolved`); empty unless ``action`` is `.send`.
    public var alerts: [NotifierAlert]
    /// The firing fingerprints to log.
    public var firing: [UInt64]
    /// The resolved fingerprints to log.
    public var resolved: [UInt64]
    /// The entry's lifetime: twice the repeat interval (`SetNotifiesStage`), capped by the log's retention.
    public var expiry: Int64

    /// Creates a plan.
    public init(key: NotificationLogKey, decision: DedupDecision, action: Action, alerts: [NotifierAlert], firing: [UInt64], resolved: [UInt64], expiry: Int64) {
        self.key = key
        self.decision = decision
        self.action = action
        self.alerts = alerts
        self.firing = firing
        self.resolved = resolved
        self.expiry = expiry
    }

    /// Records the notification in the log (`SetNotifiesStage`); nothing for `.skip`.
    /// - Parameters:
    ///   - log: the notification log.
    ///   - now: the time of the successful send, milliseconds.
    /// - Returns: the entry written (for the runtime's store), or nil.
    @discardableResult
    public func record(in log: inout NotificationLog, now: Int64) -> NotificationLogEntry? {
        guard action != .skip else { return nil }
        return log.log(key, firing: firing, resolved: resolved, now: now, expiry: expiry)
    }
}
