// Tollgate — Rules: one run of a group.

import Foundation
import Logging
import Model
import Storage

extension RuleGroup {
    /// Runs every rule at `time` (milliseconds), in order: queries at `time - query_offset`,
    /// writes the output there with stale markers for the series a rule no longer
    /// writes, commits rule by rule, then hands the alerts due to `environment.notify`.
    /// A rule's failure is recorded in its status and counted; the next rule still runs.
    public func evaluate(at time: Int64, environment: RuleEnvironment) async {
        let started = ContinuousClock.now
        let queryTime = time - queryOffset
        var samples = 0
        for index in rules.indices {
            let ruleStarted = ContinuousClock.now
            do {
                let output = try await output(of: index, at: time, queryTime: queryTime, environment: environment)
                samples += try await write(output, of: index, at: queryTime, environment: environment)
                status[index].health = .ok
                status[index].lastError = ""
                RuleMetrics.countEvaluation(key, failed: false)
            } catch {
                status[index].health = .err
                status[index].lastError = "\(error)"
                RuleMetrics.countEvaluation(key, failed: true)
                // A store that cannot write (a full disk) logs that once itself, not once per rule and round.
                environment.logger.log(
                    level: error is StoreWriteFailure ? .debug : .warning, "rule evaluation failed",
                    metadata: ["group": "\(name)", "file": "\(file)", "rule": "\(rules[index].name)", "error": "\(error)"])
            }
            status[index].lastEvaluation = time
            status[index].evaluationTime = Self.seconds(ContinuousClock.now - ruleStarted)
        }
        if shouldRestore {
            shouldRestore = false
            let restoreStarted = ContinuousClock.now
            await restoreForState(at: time, environment: environment)
            RuleMetrics.restored(key, seconds: Self.seconds(ContinuousClock.now - restoreStarted))
        }
        await sendAlerts(at: time, environment: environment)
        lastEvaluation = time
        lastSamples = samples
        evaluationTime = Self.seconds(ContinuousClock.now - started)
        RuleMetrics.recordIteration(key, seconds: evaluationTime, samples: samples, rules: rules.count, interval: interval, at: time)
    }

    /// What rule `index` writes this time (an alerting rule's alerts change here).
    private func output(of index: Int, at time: Int64, queryTime: Int64, environment: RuleEnvironment) async throws -> [(Labels, Double)] {
        let result = try await environment.query(rules[index].expr, queryTime)
        switch rules[index] {
        case .recording(let rule):
            return try rule.output(result, limit: limit)
        case .alerting(var rule):
            let returned = await Self.expand(rule, result, at: queryTime, environment: environment)
            defer { rules[index] = .alerting(rule) }
            return try rule.apply(returned, at: time, limit: limit)
        }
    }

    /// The alerts an alerting rule's result gives: label templates, then annotation
    /// templates, expanded for each sample.
    static func expand(_ rule: AlertingRule, _ result: [RuleSample], at time: Int64, environment: RuleEnvironment) async -> [AlertingRule.Returned] {
        let templateName = "__alert_" + rule.name
        var returned: [AlertingRule.Returned] = []
        returned.reserveCapacity(result.count)
        for sample in result {
            var labels: [String: String] = [:]
            for label in sample.labels { labels[label.name] = label.value }
            let data = AlertTemplateData(
                labels: labels, externalLabels: environment.externalLabels, externalURL: environment.externalURL, value: sample.value)
            var ruleLabels: [String: String] = [:]
            for (name, text) in rule.labels {
                ruleLabels[name] = await environment.templates.expand(text, name: templateName, data: data, time: time, query: environment.query)
            }
            var annotations = LabelsBuilder()
            for (name, text) in rule.annotations {
                annotations[name] = await environment.templates.expand(text, name: templateName, data: data, time: time, query: environment.query)
            }
            returned.append(AlertingRule.Returned(
                labels: rule.alertLabels(of: sample.labels, expandedRuleLabels: ruleLabels), annotations: annotations.labels, value: sample.value))
        }
        return returned
    }

    /// Appends a rule's output and the stale markers of the series it no longer writes, and commits.
    private func write(_ output: [(Labels, Double)], of index: Int, at time: Int64, environment: RuleEnvironment) async throws -> Int {
        var appender = environment.appendable.appender()
        var current = Set<Labels>(minimumCapacity: output.count)
        for (labels, value) in output {
            appender.append(labels, t: time, v: value)
            current.insert(labels)
        }
        for series in written[index] where !current.contains(series) { appender.append(series, t: time, v: SampleValue.staleMarker) }
        let result = try await appender.commit()
        if result.rejected > 0 {
            environment.logger.warning(
                "rule output rejected by storage",
                metadata: ["group": "\(name)", "rule": "\(rules[index].name)", "out_of_order": "\(result.outOfOrder)", "duplicate": "\(result.duplicate)"])
        }
        written[index] = current
        return output.count
    }

    /// Hands every alerting rule's alerts that are due to the notify function.
    private func sendAlerts(at time: Int64, environment: RuleEnvironment) async {
        for index in rules.indices {
            guard case .alerting(var rule) = rules[index] else { continue }
            let alerts = rule.alertsToSend(
                at: time, resendDelay: environment.resendDelay, interval: interval, generatorURL: environment.generatorURL(for: rule.expr))
            rules[index] = .alerting(rule)
            if !alerts.isEmpty { await environment.notify(rule.expr, alerts) }
        }
    }

    /// Writes stale markers for every series the group wrote (the group is going away).
    public func markStale(at time: Int64, environment: RuleEnvironment) async {
        var appender = environment.appendable.appender()
        for series in written.flatMap({ $0 }) { appender.append(series, t: time, v: SampleValue.staleMarker) }
        guard appender.count > 0 else { return }
        do {
            _ = try await appender.commit()
        } catch {
            environment.logger.warning("stale markers of a removed rule group not written", metadata: ["group": "\(name)", "error": "\(error)"])
        }
        written = written.map { _ in [] }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
