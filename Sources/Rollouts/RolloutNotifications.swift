// Tollgate — Rollouts: deployment notifications as alerts the notifier routes.

import Guards
import Model
public import Rules
import TollgateConfig

/// A rollout's start, promotion, no-go and rollback as alert-like events, so that
/// alertmanager.yml routes them like any alert: `alertname` `RolloutStarted` /
/// `RolloutPromoted` (`severity="info"`), `RolloutNoGo` (`warning`), `RolloutRolledBack`
/// (`critical`), with `service`, `version`, `rollout` and `guard` labels and the decision's
/// reason as the `summary` and `reason` annotations.
public enum RolloutNotifications {
    /// How long an event stays active without a resend (as a firing alert's `endsAt`).
    public static let validFor: Int64 = 5 * 60_000

    /// The event for a stored change, or nil when the change is not notified.
    public static func alert(for event: RolloutEvent, of rollout: Rollout) -> SentAlert? {
        let name: String, severity: String, summary: String
        let what = "\(rollout.parameters.service) \(rollout.parameters.version)"
        switch event.kind {
        case .started:
            (name, severity, summary) = ("RolloutStarted", "info", "\(what) rollout started")
        case .promoted:
            (name, severity, summary) = ("RolloutPromoted", "info", "\(what) promoted")
        case .rolledBack:
            (name, severity, summary) = ("RolloutRolledBack", "critical", "\(what) rolled back")
        case .decision where event.decision == .noGo:
            (name, severity, summary) = ("RolloutNoGo", "warning", "\(what): no-go at \(event.traffic)% traffic")
        case .decision, .advanced:
            return nil
        }
        var labels = LabelsBuilder(Labels())
        labels["alertname"] = name
        labels["service"] = rollout.parameters.service
        labels["version"] = rollout.parameters.version
        labels["severity"] = severity
        labels["rollout"] = rollout.id
        labels["guard"] = rollout.guardName
        if let baseline = rollout.parameters.baseline { labels["baseline"] = baseline }
        var annotations = LabelsBuilder(Labels())
        annotations["summary"] = summary
        annotations["reason"] = event.reason
        annotations["traffic"] = "\(event.traffic)"
        return SentAlert(
            labels: labels.labels, annotations: annotations.labels, startsAt: event.at, endsAt: event.at + validFor, resolved: false,
            generatorURL: "/api/v1/rollouts/\(rollout.id)")
    }
}
