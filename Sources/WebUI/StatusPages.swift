// Tollgate — WebUI: the overview, targets, and rules-and-alerts pages.

import Foundation
import HTTPAPI
import Model
import PromQLEngine
import Rules
import Scrape
import Storage

extension WebUI {
    struct Card { let id: String; let name: String; let value: String; let detail: String? }
    struct AlertRow { let name: String; let labels: [String]; let since: String }
    struct ActiveRollout { let id: String; let service: String; let version: String; let traffic: String; let decision: String; let reason: String }
    struct OverviewView { let cards: [Card]; let alerts: [AlertRow]; let hasAlerts: Bool; let rollouts: [ActiveRollout]; let hasRollouts: Bool }

    func overview() async -> OverviewView {
        let now = sources.now()
        var cards: [Card] = []
        // Samples appended per second over the last 5 minutes, from Tollgate's own metric when it is scraped.
        let rate = try? await sources.engine.instantSamples("sum(rate(prometheus_tsdb_head_samples_appended_total[5m]))", at: now)
        cards.append(Card(id: "ingest", name: "Ingest rate", value: rate?.first.map { Chart.human($0.value) + "/s" } ?? "—", detail: "samples appended"))
        if let storage = sources.storage, let series = try? await storage.seriesCount() {
            cards.append(Card(id: "series", name: "Series", value: Chart.human(Double(series)), detail: "stored"))
        }
        if let targets = sources.targets {
            let active = await targets.activeTargets(pool: nil)
            let up = active.filter { $0.health.health == "up" }.count
            let down = active.filter { $0.health.health == "down" }.count
            cards.append(Card(id: "targets", name: "Targets up", value: "\(up) / \(active.count)", detail: down > 0 ? "\(down) down" : "none down"))
        }
        var alerts: [AlertRow] = []
        if let rules = sources.rules {
            for group in await rules.snapshots() {
                for rule in group.rules where rule.kind == .alerting {
                    for alert in rule.alerts where alert.state == .firing {
                        alerts.append(AlertRow(
                            name: rule.name, labels: Self.labelTexts(alert.labels, skipping: ["alertname"]),
                            since: Self.ago(alert.firedAt ?? alert.activeAt, now: now)))
                    }
                }
            }
            cards.append(Card(id: "alerts", name: "Firing alerts", value: "\(alerts.count)", detail: nil))
        }
        let active = await rolloutSummaries().filter { $0.status == "active" }
        if sources.rollouts != nil {
            cards.append(Card(id: "rollouts", name: "Rollouts in progress", value: "\(active.count)", detail: nil))
        }
        let rollouts = active.map {
            ActiveRollout(id: $0.id, service: $0.service, version: $0.version, traffic: $0.traffic, decision: $0.decision, reason: $0.reason)
        }
        return OverviewView(cards: cards, alerts: alerts, hasAlerts: !alerts.isEmpty, rollouts: rollouts, hasRollouts: !rollouts.isEmpty)
    }

    struct TargetRow { let url: String; let health: String; let labels: [String]; let lastScrape: String; let duration: String; let error: String }
    struct Pool { let index: Int; let name: String; let up: Int; let total: Int; let targets: [TargetRow] }
    struct TargetsView { let pools: [Pool] }

    func targets() async -> TargetsView {
        guard let source = sources.targets else { return TargetsView(pools: []) }
        let now = sources.now()
        let active = await source.activeTargets(pool: nil)
        var order: [String] = []
        var byPool: [String: [ActiveTarget]] = [:]
        for target in active {
            if byPool[target.scrapePool] == nil { order.append(target.scrapePool) }
            byPool[target.scrapePool, default: []].append(target)
        }
        let pools = order.enumerated().map { index, name in
            let targets = byPool[name] ?? []
            return Pool(
                index: index, name: name, up: targets.filter { $0.health.health == "up" }.count, total: targets.count,
                targets: targets.map { target in
                    TargetRow(
                        url: target.scrapeURL, health: target.health.health, labels: Self.labelTexts(target.labels),
                        lastScrape: Self.ago(target.health.lastScrape.map { Int64($0.timeIntervalSince1970 * 1000) }, now: now),
                        duration: target.health.lastScrape == nil ? "" : String(format: "%.3fs", target.health.lastScrapeDuration),
                        error: target.health.lastError)
                })
        }
        return TargetsView(pools: pools)
    }

    struct RuleAlert { let state: String; let since: String; let value: String; let labels: [String] }
    struct RuleRow { let kind: String; let name: String; let state: String; let health: String; let error: String?; let query: String; let alerts: [RuleAlert] }
    struct GroupView {
        let index: Int; let name: String; let file: String; let interval: String; let lastEvaluation: String; let evaluationTime: String
        let rules: [RuleRow]
    }
    struct RulesView { let groups: [GroupView]; let showAll: Bool; let alertsOnly: Bool }

    func rules(_ form: APIForm) async -> RulesView {
        let alertsOnly = form["show"] == "alerts"
        guard let source = sources.rules else { return RulesView(groups: [], showAll: !alertsOnly, alertsOnly: alertsOnly) }
        let now = sources.now()
        let groups = await source.snapshots().enumerated().compactMap { index, group -> GroupView? in
            let rules = group.rules.filter { !alertsOnly || $0.kind == .alerting }.map { rule in
                RuleRow(
                    kind: rule.kind == .alerting ? "alert" : "record", name: rule.name, state: rule.kind == .alerting ? rule.state.rawValue : "",
                    health: rule.status.health.rawValue, error: rule.status.lastError.isEmpty ? nil : rule.status.lastError, query: rule.query,
                    alerts: rule.alerts.map { alert in
                        RuleAlert(
                            state: alert.state.rawValue, since: Self.ago(alert.activeAt, now: now), value: Chart.human(alert.value),
                            labels: Self.labelTexts(alert.labels))
                    })
            }
            if alertsOnly && rules.isEmpty { return nil }
            return GroupView(
                index: index, name: group.name, file: group.file, interval: PromDuration(milliseconds: group.interval).description,
                lastEvaluation: Self.ago(group.lastEvaluation, now: now), evaluationTime: String(format: "%.3fs", group.evaluationTime), rules: rules)
        }
        return RulesView(groups: groups, showAll: !alertsOnly, alertsOnly: alertsOnly)
    }
}
