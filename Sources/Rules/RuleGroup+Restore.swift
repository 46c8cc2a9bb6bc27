// Tollgate — Rules: restoring the alerts' `for` state after a start.

import Logging
import Model
import Storage

extension RuleGroup {
    /// Restores when each active alert became pending from the newest `ALERTS_FOR_STATE`
    /// sample within the outage tolerance, as Prometheus's `RestoreForState` does, so a
    /// restart neither resets a pending alert nor pages again at once:
    /// - an alert that had been pending for its whole `for` keeps its old `activeAt`;
    /// - one with less than the grace period left gets the grace period from now;
    /// - otherwise its `activeAt` moves on by the time the server was down.
    /// Rules whose `for` is shorter than the grace period are not restored.
    func restoreForState(at time: Int64, environment: RuleEnvironment) async {
        for index in rules.indices {
            guard case .alerting(var rule) = rules[index] else { continue }
            defer {
                rule.restored = true
                rules[index] = .alerting(rule)
            }
            guard rule.holdDuration >= environment.forGracePeriod else { continue }
            var alerts = rule.active
            for (key, var alert) in alerts {
                let series = rule.seriesLabels(of: alert, metric: "ALERTS_FOR_STATE", state: nil)
                guard let (downAt, activeSeconds) = await Self.newestSample(of: series, before: time, within: environment.outageTolerance, environment)
                else { continue }
                var restored = Int64(activeSeconds) * 1000
                let remaining = rule.holdDuration - (downAt - restored)
                if remaining <= 0 {
                    // It had been pending long enough: it fires at the next evaluation.
                } else if remaining < environment.forGracePeriod {
                    restored = time + environment.forGracePeriod - rule.holdDuration
                } else {
                    restored += time - downAt
                }
                alert.activeAt = restored
                alerts[key] = alert
            }
            rule.setActive(alerts)
        }
    }

    /// The newest sample of one series in `[time - tolerance, time]`.
    private static func newestSample(
        of series: Labels, before time: Int64, within tolerance: Int64, _ environment: RuleEnvironment
    ) async -> (Int64, Double)? {
        do {
            var matchers: [LabelMatcher] = []
            for label in series { matchers.append(try LabelMatcher(.equal, label.name, label.value)) }
            let selected = try await environment.queryable.select(matchers, minTime: time - tolerance, maxTime: time)
            guard let samples = selected.first(where: { $0.labels == series }) else { return nil }
            for index in samples.timestamps.indices.reversed() where !samples.values[index].isNaN {
                return (samples.timestamps[index], samples.values[index])
            }
            return nil
        } catch {
            environment.logger.warning("ALERTS_FOR_STATE not read", metadata: ["series": "\(series)", "error": "\(error)"])
            return nil
        }
    }
}
